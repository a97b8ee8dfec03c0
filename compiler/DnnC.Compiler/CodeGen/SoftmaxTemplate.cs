using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Softmax over the middle axis of [Outer, Axis, Inner]: one block per (outer, inner) row. The
/// row's maximum is subtracted before expf so large inputs cannot overflow; max and sum are
/// block-wide shared-memory reductions, and the row is read three times rather than cached.
/// </summary>
internal static class SoftmaxTemplate
{
    public static LaunchConfig Launch(SoftmaxSpec s)
    {
        TileChecks.Positive("softmax", s.Outer, s.Axis, s.Inner);
        int rows = TileChecks.Blocks((long)s.Outer * s.Inner, 1, "softmax");
        return new LaunchConfig(rows, 1, 1, GlobalPoolTemplate.Threads(s.Axis), 1, 1, 0);
    }

    public static string Emit(PlanKernel kernel, SoftmaxSpec s, KernelPlan? plan)
    {
        var launch = Launch(s);
        int threads = launch.BlockX;
        string header = KernelArgs.Header(kernel, plan, threads, 2, $"softmax over axis {s.Axis} of [{s.Outer}, {s.Axis}, {s.Inner}]");
        string idx = CudaText.IndexType((long)s.Outer * s.Axis * s.Inner);
        return $$"""
            {{header}}{
                using idx_t = {{idx}};
                constexpr int AXIS = {{s.Axis}}, INNER = {{s.Inner}}, THREADS = {{threads}};
                __shared__ float partial[THREADS];
                const int tid = threadIdx.x;
                const idx_t row = blockIdx.x;
                const idx_t base = (row / INNER) * ((idx_t)AXIS * INNER) + row % INNER;
                const auto* x = in0 + base;
                auto* y = out + base;
                float m = dnnc_neg_inf();
                for (int a = tid; a < AXIS; a += THREADS) m = fmaxf(m, x[(idx_t)a * INNER]);
                partial[tid] = m;
                __syncthreads();
            #pragma unroll
                for (int half = THREADS / 2; half > 0; half /= 2) {
                    if (tid < half) partial[tid] = fmaxf(partial[tid], partial[tid + half]);
                    __syncthreads();
                }
                const float rowMax = partial[0];
                __syncthreads();
                float sum = 0.0f;
                for (int a = tid; a < AXIS; a += THREADS) sum += expf(x[(idx_t)a * INNER] - rowMax);
                partial[tid] = sum;
                __syncthreads();
            #pragma unroll
                for (int half = THREADS / 2; half > 0; half /= 2) {
                    if (tid < half) partial[tid] += partial[tid + half];
                    __syncthreads();
                }
                const float rowSum = partial[0];
                for (int a = tid; a < AXIS; a += THREADS) y[(idx_t)a * INNER] = expf(x[(idx_t)a * INNER] - rowMax) / rowSum;
            }

            """;
    }
}
