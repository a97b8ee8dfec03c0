using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Convolution as an implicit GEMM: rows m = (n, ho, wo) output pixels, columns the K/groups output
/// channels of group blockIdx.z, reduction kr = (c, r, s) in weight order. Each K-tile of x
/// patches and weights is staged through shared memory; each thread keeps a ThreadM × ThreadN
/// register tile. Thread rows are strided by Mt/ThreadM so that a warp's loads of a tile row and
/// its stores of consecutive pixels are coalesced.
/// </summary>
internal static class ConvTemplate
{
    public static LaunchConfig Launch(ConvSpec spec)
    {
        Validate(spec);
        var tile = spec.Tile;
        var launch = new LaunchConfig(
            TileChecks.Blocks(spec.GemmM, tile.Mt, "conv"),
            TileChecks.Blocks(spec.GemmN, tile.Nt, "conv"),
            spec.Groups, tile.Threads, 1, 1, 0);
        TileChecks.GridLimits(launch, "conv");
        return launch;
    }

    public static void Validate(ConvSpec s)
    {
        TileChecks.Positive("conv", s.N, s.C, s.H, s.W, s.K, s.R, s.S, s.Ho, s.Wo, s.StrideH, s.StrideW, s.DilationH, s.DilationW, s.Groups);
        if (s.C % s.Groups != 0 || s.K % s.Groups != 0)
            throw new ArgumentException($"conv channels C={s.C}, K={s.K} are not divisible by groups={s.Groups}");
        if (s.InputShift < 0 || (s.InputShift > 0 && (s.InputShift % 2 == 0 || s.R != 1 || s.S != 1)))
            throw new ArgumentException($"conv input shift {s.InputShift} needs an odd kernel size and a 1x1 conv");
        TileChecks.Check(s.Tile);
    }

    public static string Emit(PlanKernel kernel, ConvSpec s)
    {
        Validate(s);
        var t = s.Tile;
        int fixedInputs = s.HasBias ? 3 : 2;
        string header = KernelArgs.Header(kernel, t.Threads, KernelArgs.Required(fixedInputs, s.Operands),
            $"implicit-GEMM conv {s.N}x{s.C}x{s.H}x{s.W} -> {s.K}x{s.Ho}x{s.Wo}, {s.R}x{s.S}, groups {s.Groups}, tile {t}");
        string idx = CudaText.IndexType((long)s.N * s.C * s.H * s.W, (long)s.N * s.K * s.Ho * s.Wo, (long)s.K * s.GemmK);
        string bias = s.HasBias ? "                v += in2[k];\n" : "";
        string epilogue = Epilogue.Steps(s.Epilogue, s.Operands, ["nimg", "k", "ho", "wo"], "v", "                ");
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
                            const int ho = pix / WO, wo = pix % WO;
                            int h = ho * SH - PT + r * DH;
                            int w = wo * SW - PL + s * DW;
                            bool inside = h >= 0 && h < H && w >= 0 && w < W;
            {{ShiftLoad(s)}}
                            if (inside) v = in0[(nimg * C + cglob) * (idx_t)(H * W) + h * W + w];
                        }
                        As[kk][mm] = v;
                    }
            #pragma unroll
                    for (int l = 0; l < (KT * NT + THREADS - 1) / THREADS; ++l) {
                        const int e = tid + l * THREADS;
                        if ((KT * NT) % THREADS != 0 && e >= KT * NT) break;
                        const int kk = e % KT, nn = e / KT;
                        const int n = n0 + nn, kr = k0 + kk;
                        Bs[kk][nn] = (n < NG && kr < KG) ? in1[(idx_t)(g * NG + n) * KG + kr] : 0.0f;
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
                    const int ho = pix / WO, wo = pix % WO;
            #pragma unroll
                    for (int j = 0; j < TN; ++j) {
                        const int n = n0 + tn + j * NTH;
                        if (n >= NG) continue;
                        const int k = g * NG + n;
                        float v = acc[i][j];
            {{bias}}{{epilogue}}                out[(nimg * K + k) * (idx_t)(HO * WO) + pix] = v;
                    }
                }
            }

            """;
    }

    /// <summary>REFERENCE.md §5: the shifted input of channel cglob, zero outside the image.</summary>
    private static string ShiftLoad(ConvSpec s)
    {
        if (s.InputShift == 0) return "";
        int k = s.InputShift, k2 = k * k;
        int limit = s.C / k2 * k2;
        return $$"""
                            {
                                constexpr int SK = {{k}}, SHIFT_LIMIT = {{limit}};
                                const int dh = cglob < SHIFT_LIMIT ? (cglob / SK) % SK - SK / 2 : 0;
                                const int dw = cglob < SHIFT_LIMIT ? cglob % SK - SK / 2 : 0;
                                h += dh;
                                w += dw;
                                inside = inside && h >= 0 && h < H && w >= 0 && w < W;
                            }
            """;
    }
}
