using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Strided slice, one thread per output element: the input offset is a constant base plus
/// Σ c_d · Steps[d] · inputStride[d] (negative terms for reversed axes). Writes are coalesced.
/// </summary>
internal static class SliceTemplate
{
    public static LaunchConfig Launch(SliceSpec s) => ElementwiseLaunch.For(Validate(s));

    private static long Validate(SliceSpec s)
    {
        int rank = s.InputShape.Count;
        if (s.Starts.Count != rank || s.Steps.Count != rank || s.Sizes.Count != rank)
            throw new ArgumentException($"slice of {s.InputShape} needs one start, step and size per axis");
        TileChecks.Positive("slice", [.. s.InputShape.Select(d => (long)d), .. s.Sizes.Select(d => (long)d)]);
        for (int d = 0; d < rank; d++)
        {
            long last = s.Starts[d] + (long)(s.Sizes[d] - 1) * s.Steps[d];
            if (s.Steps[d] == 0 || s.Starts[d] < 0 || s.Starts[d] >= s.InputShape[d] || last < 0 || last >= s.InputShape[d])
                throw new ArgumentException($"slice axis {d}: {s.Sizes[d]} elements from {s.Starts[d]} by {s.Steps[d]} leave [0, {s.InputShape[d]})");
        }
        return HostTensor.ElementCount(s.Sizes);
    }

    public static string Emit(PlanKernel kernel, SliceSpec s, KernelPlan? plan)
    {
        long total = Validate(s);
        var inStrides = HostTensor.RowMajorStrides(s.InputShape);
        long baseOffset = Enumerable.Range(0, inStrides.Length).Sum(d => s.Starts[d] * inStrides[d]);
        string header = KernelArgs.Header(kernel, plan, ElementwiseLaunch.Threads, 2,
            $"slice of {s.InputShape} from {s.Starts} by {s.Steps} to {s.Sizes}");
        var (coordinates, names) = Epilogue.Coordinates("i", s.Sizes, "        ");
        var terms = names.Select((name, d) => $" + {name} * (idx_t){CudaText.Int(s.Steps[d] * inStrides[d])}");
        return $$"""
            {{header}}{
                using idx_t = {{ElementwiseLaunch.IndexType(total, HostTensor.ElementCount(s.InputShape))}};
            {{ElementwiseLaunch.Loop(total)}}{{coordinates}}        out[i] = in0[(idx_t){{CudaText.Int(baseOffset)}}{{string.Concat(terms)}}];
                }
            }

            """;
    }
}
