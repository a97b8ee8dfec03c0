using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Axis permutation, one thread per output element: output coordinate i is input axis Perm[i],
/// so the input offset is Σ c_i · inputStride[Perm[i]]. Writes are coalesced; reads gather.
/// </summary>
internal static class TransposeTemplate
{
    public static LaunchConfig Launch(TransposeSpec s) => ElementwiseLaunch.For(Validate(s));

    private static long Validate(TransposeSpec s)
    {
        int rank = s.InputShape.Count;
        if (s.Perm.Count != rank || !s.Perm.Order().SequenceEqual(Enumerable.Range(0, rank)))
            throw new ArgumentException($"transpose permutation {s.Perm} is not a permutation of {rank} axes");
        TileChecks.Positive("transpose", [.. s.InputShape.Select(d => (long)d)]);
        return HostTensor.ElementCount(s.InputShape);
    }

    public static string Emit(PlanKernel kernel, TransposeSpec s, KernelPlan? plan)
    {
        long total = Validate(s);
        int rank = s.InputShape.Count;
        var inputStrides = new long[rank];
        for (int d = rank - 1, stride = 1; d >= 0; stride *= s.InputShape[d], d--) inputStrides[d] = stride;
        var outputShape = s.Perm.Select(p => s.InputShape[p]).ToArray();
        string header = KernelArgs.Header(kernel, plan, ElementwiseLaunch.Threads, 2, $"transpose {s.InputShape} by {s.Perm}");
        var (coordinates, names) = Epilogue.Coordinates("i", outputShape, "        ");
        var terms = names.Select((name, i) => $"{name} * (idx_t){CudaText.Int(inputStrides[s.Perm[i]])}").ToList();
        string offset = terms.Count == 0 ? "0" : string.Join(" + ", terms);
        return $$"""
            {{header}}{
                using idx_t = {{ElementwiseLaunch.IndexType(total)}};
            {{ElementwiseLaunch.Loop(total)}}{{coordinates}}        out[i] = in0[{{offset}}];
                }
            }

            """;
    }
}
