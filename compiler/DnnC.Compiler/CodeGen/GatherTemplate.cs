using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Gather over x seen as [OUTER, L, INNER], one thread per output element of [OUTER, NIDX, INNER]:
/// the index is a float holding an integer, truncated like the reference's cast, negative counting
/// from the end. An index outside [-L, L) (or NaN) writes NaN: a kernel cannot raise an error, and
/// NaN cannot pass for data, whereas clamping would.
/// </summary>
internal static class GatherTemplate
{
    public static LaunchConfig Launch(GatherSpec s) => ElementwiseLaunch.For(Validate(s));

    private static long Validate(GatherSpec s)
    {
        TileChecks.Positive("gather", s.Outer, s.AxisLength, s.Indices, s.Inner);
        return (long)s.Outer * s.Indices * s.Inner;
    }

    public static string Emit(PlanKernel kernel, GatherSpec s, KernelPlan? plan)
    {
        long total = Validate(s);
        string header = KernelArgs.Header(kernel, plan, ElementwiseLaunch.Threads, 3,
            $"gather [{s.Outer}, {s.AxisLength}, {s.Inner}] at {s.Indices} indices");
        return $$"""
            {{header}}{
                using idx_t = {{ElementwiseLaunch.IndexType(total, (long)s.Outer * s.AxisLength * s.Inner)}};
                constexpr int L = {{s.AxisLength}}, NIDX = {{s.Indices}}, INNER = {{s.Inner}};
            {{ElementwiseLaunch.Loop(total)}}        const idx_t inner = i % INNER;
                    const int j = (int)((i / INNER) % NIDX);
                    const idx_t o = i / ((idx_t)INNER * NIDX);
                    const float index = truncf(in1[j]);
                    if (index >= (float)-L && index < (float)L) {
                        const int k = (int)index < 0 ? (int)index + L : (int)index;
                        out[i] = in0[(o * L + k) * (idx_t)INNER + inner];
                    } else {
                        out[i] = __int_as_float(0x7fc00000);
                    }
                }
            }

            """;
    }
}
