using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>Tile, one thread per output element: output coordinate c_d reads input coordinate c_d mod InputShape[d].</summary>
internal static class TileTemplate
{
    public static LaunchConfig Launch(TileSpec s) => ElementwiseLaunch.For(Validate(s));

    private static long Validate(TileSpec s)
    {
        if (s.Repeats.Count != s.InputShape.Count) throw new ArgumentException($"tile of {s.InputShape} needs one repeat per axis");
        TileChecks.Positive("tile", [.. s.InputShape.Select(d => (long)d), .. s.Repeats.Select(r => (long)r)]);
        return HostTensor.ElementCount(s.OutputShape);
    }

    public static string Emit(PlanKernel kernel, TileSpec s, KernelPlan? plan)
    {
        long total = Validate(s);
        var inStrides = HostTensor.RowMajorStrides(s.InputShape);
        string header = KernelArgs.Header(kernel, plan, ElementwiseLaunch.Threads, 2, $"tile {s.InputShape} by {s.Repeats}");
        var (coordinates, names) = Epilogue.Coordinates("i", s.OutputShape, "        ");
        // Axes of length 1 always read coordinate 0; axes not repeated need no modulo.
        var terms = names.Select((name, d) => s.InputShape[d] == 1 ? null
                : s.Repeats[d] == 1 ? $"{name} * (idx_t){CudaText.Int(inStrides[d])}"
                : $"({name} % {s.InputShape[d]}) * (idx_t){CudaText.Int(inStrides[d])}")
            .OfType<string>().ToList();
        string offset = terms.Count == 0 ? "0" : string.Join(" + ", terms);
        return $$"""
            {{header}}{
                using idx_t = {{ElementwiseLaunch.IndexType(total, HostTensor.ElementCount(s.InputShape))}};
            {{ElementwiseLaunch.Loop(total)}}{{coordinates}}        out[i] = in0[{{offset}}];
                }
            }

            """;
    }
}
