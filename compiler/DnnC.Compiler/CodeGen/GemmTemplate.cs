using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Batched GEMM out[b, m, n] = Σ_k A[b, m, k] · B[b, k, n] (B stored [N, K] when transposed), the
/// same shared-memory, register-tiled design as the conv. Grid: (N tiles, M tiles, batch); thread
/// columns run fastest so that stores along n are coalesced. Epilogue operands are indexed by the
/// output value's own shape (from the plan when given, else [Batch,] M, N).
/// </summary>
internal static class GemmTemplate
{
    /// <summary>The numerics this template emits: dense weights, FP32 math on CUDA cores, FP32 or FP16 storage. Tensor-core
    /// math is <see cref="MmaGemmTemplate"/>'s; encoded weights have no CUDA template yet.</summary>
    public static bool Supports(PlanNumerics numerics) => KernelTemplates.IsSimt(numerics);

    public static LaunchConfig Launch(GemmSpec spec)
    {
        Validate(spec);
        var tile = spec.Tile;
        var launch = new LaunchConfig(
            TileChecks.Blocks(spec.N, tile.Nt, "gemm"),
            TileChecks.Blocks(spec.M, tile.Mt, "gemm"),
            spec.Batch, tile.Threads, 1, 1, 0);
        TileChecks.GridLimits(launch, "gemm");
        return launch;
    }

    public static void Validate(GemmSpec s)
    {
        TileChecks.Positive("gemm", s.Batch, s.M, s.N, s.K);
        if (s.BatchStrideA < 0 || s.BatchStrideB < 0) throw new ArgumentException("gemm batch strides must not be negative");
        TileChecks.Check(s.Tile);
    }

    public static string Emit(PlanKernel kernel, GemmSpec s, KernelPlan? plan)
    {
        Validate(s);
        var t = s.Tile;
        int fixedInputs = s.HasBias ? 3 : 2;
        string header = KernelArgs.Header(kernel, plan, t.Threads, KernelArgs.Required(fixedInputs, s.Operands),
            $"gemm {s.Batch}x{s.M}x{s.N}x{s.K}{(s.BTransposed ? ", B transposed" : "")}, tile {t}");
        long outElements = (long)s.Batch * s.M * s.N;
        string idx = CudaText.IndexType(outElements,
            (long)(s.Batch - 1) * s.BatchStrideA + (long)s.M * s.K, (long)(s.Batch - 1) * s.BatchStrideB + (long)s.K * s.N);
        var shape = OutputShape(kernel, s, plan);
        var (coordinates, names) = Epilogue.Coordinates("o", shape, "                ", "d");
        string epilogue = s.Epilogue.Count == 0 ? "" :
            coordinates + Epilogue.Steps(s.Epilogue, s.Operands, names, "v", "                ");
        string bias = s.HasBias ? "                v += in2[n];\n" : "";
        return $$"""
            {{header}}{
                using idx_t = {{idx}};
                constexpr int M = {{s.M}}, N = {{s.N}}, K = {{s.K}};
                constexpr idx_t SA = {{s.BatchStrideA}}, SB = {{s.BatchStrideB}};
                constexpr int MT = {{t.Mt}}, NT = {{t.Nt}}, KT = {{t.Kt}}, TM = {{t.ThreadM}}, TN = {{t.ThreadN}};
                constexpr int THREADS = {{t.Threads}}, MTH = MT / TM, NTH = NT / TN;
                __shared__ float As[KT][MT];
                __shared__ float Bs[KT][NT];
                const int tid = threadIdx.x;
                const idx_t b = blockIdx.z;
                const int m0 = blockIdx.y * MT, n0 = blockIdx.x * NT;
                const int tn = tid % NTH, tm = tid / NTH;
                const auto* A = in0 + b * SA;
                const float* B = in1 + b * SB;
                float acc[TM][TN];
            #pragma unroll
                for (int i = 0; i < TM; ++i)
            #pragma unroll
                    for (int j = 0; j < TN; ++j) acc[i][j] = 0.0f;
                for (int k0 = 0; k0 < K; k0 += KT) {
            #pragma unroll
                    for (int l = 0; l < (KT * MT + THREADS - 1) / THREADS; ++l) {
                        const int e = tid + l * THREADS;
                        if ((KT * MT) % THREADS != 0 && e >= KT * MT) break;
                        const int kk = e % KT, mm = e / KT;
                        const int m = m0 + mm, kr = k0 + kk;
                        As[kk][mm] = (m < M && kr < K) ? A[(idx_t)m * K + kr] : 0.0f;
                    }
            #pragma unroll
                    for (int l = 0; l < (KT * NT + THREADS - 1) / THREADS; ++l) {
                        const int e = tid + l * THREADS;
                        if ((KT * NT) % THREADS != 0 && e >= KT * NT) break;
            {{LoadB(s.BTransposed)}}
                    }
                    __syncthreads();
            #pragma unroll
                    for (int kk = 0; kk < KT; ++kk) {
                        float a[TM], bv[TN];
            #pragma unroll
                        for (int i = 0; i < TM; ++i) a[i] = As[kk][tm + i * MTH];
            #pragma unroll
                        for (int j = 0; j < TN; ++j) bv[j] = Bs[kk][tn + j * NTH];
            #pragma unroll
                        for (int i = 0; i < TM; ++i)
            #pragma unroll
                            for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(a[i], bv[j], acc[i][j]);
                    }
                    __syncthreads();
                }
            #pragma unroll
                for (int i = 0; i < TM; ++i) {
                    const int m = m0 + tm + i * MTH;
                    if (m >= M) continue;
            #pragma unroll
                    for (int j = 0; j < TN; ++j) {
                        const int n = n0 + tn + j * NTH;
                        if (n >= N) continue;
                        const idx_t o = (b * M + m) * (idx_t)N + n;
                        float v = acc[i][j];
            {{bias}}{{epilogue}}                out[o] = v;
                    }
                }
            }

            """;
    }

    private static string LoadB(bool transposed) => transposed
        ? """
                      const int kk = e % KT, nn = e / KT;
                      const int n = n0 + nn, kr = k0 + kk;
                      Bs[kk][nn] = (n < N && kr < K) ? B[(idx_t)n * K + kr] : 0.0f;
          """
        : """
                      const int nn = e % NT, kk = e / NT;
                      const int n = n0 + nn, kr = k0 + kk;
                      Bs[kk][nn] = (n < N && kr < K) ? B[(idx_t)kr * N + n] : 0.0f;
          """;

    /// <summary>The output's shape as the operands' strides see it.</summary>
    internal static IReadOnlyList<int> OutputShape(PlanKernel kernel, GemmSpec s, KernelPlan? plan)
    {
        if (plan is not null && kernel.Args.Count > 0)
        {
            var shape = plan.Value(kernel.Args[0]).Shape;
            if (HostTensor.ElementCount(shape) != (long)s.Batch * s.M * s.N)
                throw new ArgumentException($"gemm output value has shape {shape} but the spec computes {s.Batch}x{s.M}x{s.N}");
            return shape;
        }
        return s.Batch == 1 ? [s.M, s.N] : [s.Batch, s.M, s.N];
    }
}
