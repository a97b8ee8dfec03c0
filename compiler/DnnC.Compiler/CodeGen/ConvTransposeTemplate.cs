using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Transposed convolution as a gathering implicit GEMM, the same tiling as <see cref="ConvTemplate"/>:
/// rows m = (n, oy, ox) output pixels, columns the K/groups output channels of group blockIdx.z,
/// reduction kr = (c, r, s). The A tile holds, for each output pixel and tap, the one input pixel
/// that scatters onto it (iy·SH = oy + PT − r·DH exactly, inside the input) or 0, so every output
/// is owned by one thread and no atomics are needed. The B tile reads weights [C, K/groups, R, S].
/// </summary>
internal static class ConvTransposeTemplate
{
    public static LaunchConfig Launch(ConvTransposeSpec spec)
    {
        Validate(spec);
        var tile = spec.Tile;
        var launch = new LaunchConfig(
            TileChecks.Blocks(spec.GemmM, tile.Mt, "conv_transpose"),
            TileChecks.Blocks(spec.GemmN, tile.Nt, "conv_transpose"),
            spec.Groups, tile.Threads, 1, 1, 0);
        TileChecks.GridLimits(launch, "conv_transpose");
        return launch;
    }

    private static void Validate(ConvTransposeSpec s)
    {
        TileChecks.Positive("conv_transpose", s.N, s.C, s.H, s.W, s.K, s.R, s.S, s.Ho, s.Wo, s.StrideH, s.StrideW, s.DilationH, s.DilationW, s.Groups);
        if (s.C % s.Groups != 0 || s.K % s.Groups != 0)
            throw new ArgumentException($"conv_transpose channels C={s.C}, K={s.K} are not divisible by groups={s.Groups}");
        if (s.PadTop < 0 || s.PadLeft < 0) throw new ArgumentException("conv_transpose pads must be non-negative");
        TileChecks.Check(s.Tile);
    }

    public static string Emit(PlanKernel kernel, ConvTransposeSpec s)
    {
        Validate(s);
        var t = s.Tile;
        string header = KernelArgs.Header(kernel, t.Threads, s.HasBias ? 4 : 3,
            $"implicit-GEMM conv_transpose {s.N}x{s.C}x{s.H}x{s.W} -> {s.K}x{s.Ho}x{s.Wo}, {s.R}x{s.S}, groups {s.Groups}, tile {t}");
        string idx = CudaText.IndexType((long)s.N * s.C * s.H * s.W, (long)s.N * s.K * s.Ho * s.Wo, (long)s.C * s.GemmN * s.R * s.S);
        string bias = s.HasBias ? "            v += in2[k];\n" : "";
        return $$"""
            {{header}}{
                using idx_t = {{idx}};
                constexpr int C = {{s.C}}, H = {{s.H}}, W = {{s.W}}, K = {{s.K}}, R = {{s.R}}, S = {{s.S}};
                constexpr int HO = {{s.Ho}}, WO = {{s.Wo}}, SH = {{s.StrideH}}, SW = {{s.StrideW}};
                constexpr int PT = {{s.PadTop}}, PL = {{s.PadLeft}}, DH = {{s.DilationH}}, DW = {{s.DilationW}};
                constexpr int CG = {{s.C / s.Groups}}, NG = {{s.GemmN}}, KG = {{s.GemmK}};
                constexpr idx_t M = {{s.GemmM}};
                constexpr int MT = {{t.Mt}}, NT = {{t.Nt}}, KT = {{t.Kt}}, TM = {{t.ThreadM}}, TN = {{t.ThreadN}};
                constexpr int THREADS = {{t.Threads}}, MTH = MT / TM, NTH = NT / TN;
                __shared__ float As[KT][MT];
                __shared__ float Bs[KT][NT];
                const int tid = threadIdx.x;
                const int g = blockIdx.z;
                const idx_t m0 = (idx_t)blockIdx.x * MT;
                const int n0 = blockIdx.y * NT;
                const int tm = tid % MTH, tn = tid / MTH;
                float acc[TM][TN];
            #pragma unroll
                for (int i = 0; i < TM; ++i)
            #pragma unroll
                    for (int j = 0; j < TN; ++j) acc[i][j] = 0.0f;
                for (int k0 = 0; k0 < KG; k0 += KT) {
            #pragma unroll
                    for (int l = 0; l < (KT * MT + THREADS - 1) / THREADS; ++l) {
                        const int e = tid + l * THREADS;
                        if ((KT * MT) % THREADS != 0 && e >= KT * MT) break;
                        const int mm = e % MT, kk = e / MT;
                        const idx_t m = m0 + mm;
                        const int kr = k0 + kk;
                        float v = 0.0f;
                        if (m < M && kr < KG) {
                            const int cglob = g * CG + kr / (R * S);
                            const int r = (kr / S) % R, s = kr % S;
                            const idx_t nimg = m / (HO * WO);
                            const int pix = (int)(m % (HO * WO));
                            const int oy = pix / WO, ox = pix % WO;
                            const int ty = oy + PT - r * DH, tx = ox + PL - s * DW;
                            const int iy = ty / SH, ix = tx / SW;
                            if (ty >= 0 && tx >= 0 && iy * SH == ty && ix * SW == tx && iy < H && ix < W)
                                v = in0[(nimg * C + cglob) * (idx_t)(H * W) + iy * W + ix];
                        }
                        As[kk][mm] = v;
                    }
            #pragma unroll
                    for (int l = 0; l < (KT * NT + THREADS - 1) / THREADS; ++l) {
                        const int e = tid + l * THREADS;
                        if ((KT * NT) % THREADS != 0 && e >= KT * NT) break;
                        const int kk = e % KT, nn = e / KT;
                        const int n = n0 + nn, kr = k0 + kk;
                        float w = 0.0f;
                        if (n < NG && kr < KG) {
                            const int cglob = g * CG + kr / (R * S);
                            w = in1[((idx_t)cglob * NG + n) * (R * S) + kr % (R * S)];
                        }
                        Bs[kk][nn] = w;
                    }
                    __syncthreads();
            #pragma unroll
                    for (int kk = 0; kk < KT; ++kk) {
                        float a[TM], b[TN];
            #pragma unroll
                        for (int i = 0; i < TM; ++i) a[i] = As[kk][tm + i * MTH];
            #pragma unroll
                        for (int j = 0; j < TN; ++j) b[j] = Bs[kk][tn + j * NTH];
            #pragma unroll
                        for (int i = 0; i < TM; ++i)
            #pragma unroll
                            for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
                    }
                    __syncthreads();
                }
            #pragma unroll
                for (int i = 0; i < TM; ++i) {
                    const idx_t m = m0 + tm + i * MTH;
                    if (m >= M) continue;
                    const idx_t nimg = m / (HO * WO);
                    const int pix = (int)(m % (HO * WO));
            #pragma unroll
                    for (int j = 0; j < TN; ++j) {
                        const int n = n0 + tn + j * NTH;
                        if (n >= NG) continue;
                        const int k = g * NG + n;
                        float v = acc[i][j];
            {{bias}}                out[(nimg * K + k) * (idx_t)(HO * WO) + pix] = v;
                    }
                }
            }

            """;
    }
}
