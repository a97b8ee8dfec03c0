using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Log-softmax over the middle axis of [Outer, Axis, Inner], laid out like <see cref="SoftmaxTemplate"/>:
/// one block per (outer, inner) row, max and Σ exp(x − max) as <see cref="BlockReduction"/> trees, then
/// x − max − log Σ, which stays finite where softmax would underflow to 0 and its log to −inf.
/// </summary>
internal static class LogSoftmaxTemplate
{
    public static LaunchConfig Launch(LogSoftmaxSpec s)
    {
        TileChecks.Positive("log_softmax", s.Outer, s.Axis, s.Inner);
        int rows = TileChecks.Blocks((long)s.Outer * s.Inner, 1, "log_softmax");
        return new LaunchConfig(rows, 1, 1, GlobalPoolTemplate.Threads(s.Axis), 1, 1, 0);
    }

    public static string Emit(PlanKernel kernel, LogSoftmaxSpec s, KernelPlan? plan)
    {
        var launch = Launch(s);
        string header = KernelArgs.Header(kernel, plan, launch.BlockX, 2, $"log_softmax over axis {s.Axis} of [{s.Outer}, {s.Axis}, {s.Inner}]");
        return $$"""
            {{header}}{
                using idx_t = {{CudaText.IndexType((long)s.Outer * s.Axis * s.Inner)}};
                constexpr int AXIS = {{s.Axis}}, INNER = {{s.Inner}}, THREADS = {{launch.BlockX}};
                __shared__ float partial[THREADS];
                const int tid = threadIdx.x;
                const idx_t row = blockIdx.x;
                const idx_t base = (row / INNER) * ((idx_t)AXIS * INNER) + row % INNER;
                const auto* x = in0 + base;
                auto* y = out + base;
                float m = dnnc_neg_inf();
                for (int a = tid; a < AXIS; a += THREADS) m = fmaxf(m, x[(idx_t)a * INNER]);
            {{BlockReduction.Tree("m", BlockReduction.Max, "rowMax")}}    float sum = 0.0f;
                for (int a = tid; a < AXIS; a += THREADS) sum += expf(x[(idx_t)a * INNER] - rowMax);
            {{BlockReduction.Tree("sum", BlockReduction.Sum, "rowSum")}}    const float offset = rowMax + logf(rowSum);
                for (int a = tid; a < AXIS; a += THREADS) y[(idx_t)a * INNER] = x[(idx_t)a * INNER] - offset;
            }

            """;
    }
}
