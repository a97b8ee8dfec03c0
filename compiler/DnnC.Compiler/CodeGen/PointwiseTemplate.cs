using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// An elementwise chain: v = operand 0 at the output index, then each step, one element per
/// grid-stride iteration. Operands are read through their broadcast strides.
/// </summary>
internal static class PointwiseTemplate
{
    public static LaunchConfig Launch(PointwiseSpec s) => ElementwiseLaunch.For(Validate(s));

    private static long Validate(PointwiseSpec s)
    {
        TileChecks.Positive("pointwise", [.. s.Shape.Select(d => (long)d)]);
        if (s.Operands.Count == 0) throw new ArgumentException("a pointwise chain needs a head operand");
        return HostTensor.ElementCount(s.Shape);
    }

    public static string Emit(PlanKernel kernel, PointwiseSpec s, KernelPlan? plan)
    {
        long total = Validate(s);
        string header = KernelArgs.Header(kernel, plan, ElementwiseLaunch.Threads, KernelArgs.Required(0, s.Operands),
            $"pointwise [{string.Join("x", s.Shape)}]: {string.Join(" |> ", s.Steps.Select(step => step.Format()))}");
        long largestOperand = s.Operands.Max(o => o.Strides.Select((st, d) => st * (s.Shape[d] - 1)).Sum() + 1);
        string idx = ElementwiseLaunch.IndexType(total, largestOperand);
        var (coordinates, names) = Epilogue.Coordinates("i", s.Shape, "        ");
        string head = Epilogue.Load(s.Operands[0], names);
        string steps = Epilogue.Steps(s.Steps, s.Operands, names, "v", "        ");
        return $$"""
            {{header}}{
                using idx_t = {{idx}};
            {{ElementwiseLaunch.Loop(total)}}{{coordinates}}        float v = {{head}};
            {{steps}}        out[i] = v;
                }
            }

            """;
    }
}
