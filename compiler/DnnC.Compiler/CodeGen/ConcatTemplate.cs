using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Concatenation seen as [Outer, Σ AxisSizes, Inner], one thread per output element: the axis
/// position selects the input through a chain of constant comparisons.
/// </summary>
internal static class ConcatTemplate
{
    public static LaunchConfig Launch(ConcatSpec s) => ElementwiseLaunch.For(Validate(s));

    private static long Validate(ConcatSpec s)
    {
        if (s.AxisSizes.Count == 0) throw new ArgumentException("concat needs at least one input");
        TileChecks.Positive("concat", [s.Outer, s.Inner, .. s.AxisSizes.Select(a => (long)a)]);
        return (long)s.Outer * s.AxisSizes.Sum(a => (long)a) * s.Inner;
    }

    public static string Emit(PlanKernel kernel, ConcatSpec s, KernelPlan? plan)
    {
        long total = Validate(s);
        string header = KernelArgs.Header(kernel, plan, ElementwiseLaunch.Threads, 1 + s.AxisSizes.Count,
            $"concat of [{s.Outer}, {string.Join("|", s.AxisSizes)}, {s.Inner}]");
        var select = new System.Text.StringBuilder();
        int start = 0;
        for (int input = 0; input < s.AxisSizes.Count; input++)
        {
            int size = s.AxisSizes[input];
            string condition = input == s.AxisSizes.Count - 1 ? "" : $"if (a < {start + size}) ";
            string keyword = input == 0 ? "        " : "        else ";
            select.Append($"{keyword}{condition}v = {KernelArgs.Name(input + 1)}[(o * {size} + (a - {start})) * (idx_t)INNER + inner];\n");
            start += size;
        }
        return $$"""
            {{header}}{
                using idx_t = {{ElementwiseLaunch.IndexType(total)}};
                constexpr int AXIS = {{start}}, INNER = {{s.Inner}};
            {{ElementwiseLaunch.Loop(total)}}        const idx_t inner = i % INNER;
                    const int a = (int)((i / INNER) % AXIS);
                    const idx_t o = i / ((idx_t)INNER * AXIS);
                    float v;
            {{select}}        out[i] = v;
                }
            }

            """;
    }
}
