using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Max or average over each of Rows contiguous rows of Spatial elements: one block per row,
/// strided partial results per thread, then a shared-memory tree reduction.
/// </summary>
internal static class GlobalPoolTemplate
{
    public static LaunchConfig Launch(GlobalPoolSpec s)
    {
        TileChecks.Positive("global pool", s.Rows, s.Spatial);
        return new LaunchConfig(s.Rows, 1, 1, Threads(s.Spatial), 1, 1, 0);
    }

    /// <summary>A power of two between 32 and 256, no larger than needed for the row.</summary>
    public static int Threads(int spatial)
    {
        int threads = 32;
        while (threads < 256 && threads < spatial) threads *= 2;
        return threads;
    }

    public static string Emit(PlanKernel kernel, GlobalPoolSpec s, KernelPlan? plan)
    {
        TileChecks.Positive("global pool", s.Rows, s.Spatial);
        int threads = Threads(s.Spatial);
        string header = KernelArgs.Header(kernel, plan, threads, 2, $"global {s.Kind} pool over {s.Rows} rows of {s.Spatial}");
        bool max = s.Kind == PoolKind.Max;
        string idx = CudaText.IndexType((long)s.Rows * s.Spatial);
        return $$"""
            {{header}}{
                using idx_t = {{idx}};
                constexpr int SPATIAL = {{s.Spatial}}, THREADS = {{threads}};
                __shared__ float partial[THREADS];
                const int tid = threadIdx.x;
                const auto* row = in0 + (idx_t)blockIdx.x * SPATIAL;
                float v = {{(max ? "dnnc_neg_inf()" : "0.0f")}};
                for (int e = tid; e < SPATIAL; e += THREADS) v = {{(max ? "fmaxf(v, row[e])" : "v + row[e]")}};
                partial[tid] = v;
                __syncthreads();
            #pragma unroll
                for (int half = THREADS / 2; half > 0; half /= 2) {
                    if (tid < half) partial[tid] = {{(max ? "fmaxf(partial[tid], partial[tid + half])" : "partial[tid] + partial[tid + half]")}};
                    __syncthreads();
                }
                if (tid == 0) out[blockIdx.x] = {{(max ? "partial[0]" : "partial[0] / (float)SPATIAL")}};
            }

            """;
    }
}
