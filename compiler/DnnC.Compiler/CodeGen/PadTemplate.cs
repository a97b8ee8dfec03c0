using System.Text;
using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Pad, one thread per output element: each padded axis maps its output coordinate back to an
/// input coordinate by the fill mode (constant marks it outside; edge clamps; reflect mirrors once,
/// which the spec's pads smaller than the axis guarantee; wrap takes it modulo the axis).
/// </summary>
internal static class PadTemplate
{
    public static LaunchConfig Launch(PadSpec s) => ElementwiseLaunch.For(Validate(s));

    private static long Validate(PadSpec s)
    {
        int rank = s.InputShape.Count;
        if (s.Pads.Count != 2 * rank) throw new ArgumentException($"pad of {s.InputShape} needs two pads per axis");
        TileChecks.Positive("pad", [.. s.InputShape.Select(d => (long)d), .. s.OutputShape.Select(d => (long)d)]);
        if (s.Fill == PadFill.Reflect && Enumerable.Range(0, rank).Any(d => s.Pads[d] >= s.InputShape[d] || s.Pads[d + rank] >= s.InputShape[d]))
            throw new ArgumentException($"reflect pads {s.Pads} must be smaller than their axes {s.InputShape}");
        return HostTensor.ElementCount(s.OutputShape);
    }

    public static string Emit(PlanKernel kernel, PadSpec s, KernelPlan? plan)
    {
        long total = Validate(s);
        int rank = s.InputShape.Count;
        var inStrides = HostTensor.RowMajorStrides(s.InputShape);
        string header = KernelArgs.Header(kernel, plan, ElementwiseLaunch.Threads, 2,
            $"{s.Fill} pad of {s.InputShape} by {s.Pads}");
        var (coordinates, names) = Epilogue.Coordinates("i", s.OutputShape, "        ");
        var map = new StringBuilder();
        var terms = new List<string>();
        for (int d = 0; d < rank; d++)
        {
            int lead = s.Pads[d], trail = s.Pads[d + rank], length = s.InputShape[d];
            if (lead == 0 && trail == 0)
            {
                terms.Add($"{names[d]} * (idx_t){CudaText.Int(inStrides[d])}");
                continue;
            }
            map.Append($"        int s{d} = (int){names[d]} - ({lead});\n");
            map.Append("        ").Append(s.Fill switch
            {
                PadFill.Constant => $"inside = inside && s{d} >= 0 && s{d} < {length};",
                PadFill.Edge => $"s{d} = s{d} < 0 ? 0 : (s{d} >= {length} ? {length - 1} : s{d});",
                PadFill.Reflect => $"s{d} = s{d} < 0 ? -s{d} : (s{d} >= {length} ? {2 * (length - 1)} - s{d} : s{d});",
                PadFill.Wrap => $"s{d} = ((s{d} % {length}) + {length}) % {length};",
                _ => throw new ArgumentOutOfRangeException(nameof(s), s.Fill, "unknown pad fill"),
            }).Append('\n');
            terms.Add($"(idx_t)s{d} * {CudaText.Int(inStrides[d])}");
        }
        string offset = terms.Count == 0 ? "0" : string.Join(" + ", terms);
        string load = s.Fill == PadFill.Constant ? $"inside ? in0[{offset}] : {CudaText.Float(s.Value)}" : $"in0[{offset}]";
        string inside = s.Fill == PadFill.Constant ? "        bool inside = true;\n" : "";
        return $$"""
            {{header}}{
                using idx_t = {{ElementwiseLaunch.IndexType(total, HostTensor.ElementCount(s.InputShape))}};
            {{ElementwiseLaunch.Loop(total)}}{{coordinates}}{{inside}}{{map}}        out[i] = {{load}};
                }
            }

            """;
    }
}
