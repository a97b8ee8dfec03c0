using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>The geometry both convolution GEMMs bake into their source as constants.</summary>
internal sealed record ConvGemmShape(
    int C, int H, int W, int K, int R, int S, int Ho, int Wo,
    int StrideH, int StrideW, int PadTop, int PadLeft, int DilationH, int DilationW,
    int ChannelsPerGroup, int GemmN, int GemmK, long GemmM, GemmTile Tile);

/// <summary>
/// The tiled implicit-GEMM kernel body that <see cref="ConvTemplate"/> and
/// <see cref="ConvTransposeTemplate"/> share: the constants, the shared-memory A and B tiles, the K
/// loop that stages them, the ThreadM × ThreadN register tile of FMAs, and the store loop. The
/// templates supply only what differs: which input pixel an A element gathers, how a weight is
/// read into B, and what happens to a finished value before it is stored.
/// </summary>
internal static class ImplicitGemmSkeleton
{
    /// <param name="gatherA">Statements (16-space indent) that set <c>v</c> for row m, reduction kr; in scope:
    /// cglob, r, s, nimg, pix.</param>
    /// <param name="loadB">Statements (12-space indent) that store <c>Bs[kk][nn]</c>; in scope: n, kr.</param>
    /// <param name="rowLocals">Statements (8-space indent) per output row; in scope: m, nimg, pix.</param>
    /// <param name="finishValue">Statements applied to <c>v</c> before the store; in scope: k, n and the row locals.</param>
    public static string Emit(string header, string indexType, ConvGemmShape s, string gatherA, string loadB, string rowLocals, string finishValue)
    {
        var t = s.Tile;
        return $$"""
            {{header}}{
                using idx_t = {{indexType}};
                constexpr int C = {{s.C}}, H = {{s.H}}, W = {{s.W}}, K = {{s.K}}, R = {{s.R}}, S = {{s.S}};
                constexpr int HO = {{s.Ho}}, WO = {{s.Wo}}, SH = {{s.StrideH}}, SW = {{s.StrideW}};
                constexpr int PT = {{s.PadTop}}, PL = {{s.PadLeft}}, DH = {{s.DilationH}}, DW = {{s.DilationW}};
                constexpr int CG = {{s.ChannelsPerGroup}}, NG = {{s.GemmN}}, KG = {{s.GemmK}};
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
            {{gatherA}}
                        }
                        As[kk][mm] = v;
                    }
            #pragma unroll
                    for (int l = 0; l < (KT * NT + THREADS - 1) / THREADS; ++l) {
                        const int e = tid + l * THREADS;
                        if ((KT * NT) % THREADS != 0 && e >= KT * NT) break;
                        const int kk = e % KT, nn = e / KT;
                        const int n = n0 + nn, kr = k0 + kk;
            {{loadB}}
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
            {{rowLocals}}#pragma unroll
                    for (int j = 0; j < TN; ++j) {
                        const int n = n0 + tn + j * NTH;
                        if (n >= NG) continue;
                        const int k = g * NG + n;
                        float v = acc[i][j];
            {{finishValue}}                out[(nimg * K + k) * (idx_t)(HO * WO) + pix] = v;
                    }
                }
            }

            """;
    }
}
