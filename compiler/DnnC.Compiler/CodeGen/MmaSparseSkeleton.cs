using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// The 2:4 sparse tensor-core main loop (mma.sp m16n8k32, PTX.md §5) for a conv or GEMM whose filters are 2:4-compressed
/// (<see cref="EncodedWeightShape"/>, <see cref="WeightEncoding.Sparse24"/>). mma.sp takes the sparse matrix as A, so the
/// roles of <see cref="MmaGemmSkeleton"/> swap: A is the filters (16 output channels per mma), B the activations (8
/// pixels per mma), and the block computes Dᵀ; the epilogue sees the same (m = pixel, n = channel) as the dense kernel.
/// <list type="bullet">
/// <item>Per stage, 32 dense K: each activation row's 64 bytes (4 cp.async chunks, or gathered as the dense kernel does)
/// and each filter row's 16 kept halves (2 chunks) at pitches of 80 and 48 bytes, both conflict-free for ldmatrix.</item>
/// <item>ldmatrix.x4 loads the compressed A fragment from &amp;Ac[l % 16][(l / 16) · 8] (§5.3: it has the dense m16n8k16 A
/// layout) and the B fragment from &amp;B[l % 8][(l / 8) · 8] (§5.4: register j is K 8j..8j+7).</item>
/// <item>The metadata is read from global memory by the lanes selector 0 reads (4g and 4g + 1, §5.6): word p of rows g
/// and g + 8, one 16-bit word per row per 16 K. Outside the filter rows or past PaddedK a lane passes 0x4444 (keep
/// indices 0 and 1), valid and multiplying zero-filled values.</item>
/// </list>
/// </summary>
internal static class MmaSparseSkeleton
{
    /// <param name="activations">The B-role operand, as <see cref="MmaGemmSkeleton"/> takes its A (rows m, 16-byte chunks).</param>
    /// <param name="filterRow">C++ expression of the first filter row of this block's group (conv: <c>g * NG</c>; GEMM: <c>brow</c>).</param>
    /// <param name="metadataByte">Byte offset of the metadata part from the weight value's start.</param>
    public static string Emit(string header, string indexType, MmaTile t, string m, string n, string k, int paddedK, long metadataByte,
        string setup, MmaOperand activations, string filterRow, string finish)
    {
        MmaGemmSkeleton.Check(t);
        if (t.WarpN % 16 != 0) throw new ArgumentException($"mma tile {t}: a sparse warp tile needs a multiple of 16 output channels");
        return $$"""
            {{header}}{
                using idx_t = {{indexType}};
                constexpr idx_t M = {{m}};
                constexpr int NG = {{n}}, KG = {{k}}, WPR = {{paddedK / 16}};   /* PK, the padded K, is the template's */
                constexpr int MT = {{t.Mt}}, NT = {{t.Nt}}, WM = {{t.WarpM}}, WN = {{t.WarpN}}, STAGES = {{t.Stages}};
                constexpr int THREADS = {{t.Threads}}, WARPS_M = MT / WM, PJ = WM / 8, CI = WN / 16;
                constexpr int ROW = {{MmaTile.RowPitch}}, WROW = 48, EPC = 8, KT = 32, KTILES = (KG + KT - 1) / KT;
                constexpr int STAGE = MT * ROW + NT * WROW, TOTAL = MT * 4 + NT * 2, CH = (TOTAL + THREADS - 1) / THREADS;
                __shared__ __align__(128) unsigned char smem[STAGES * STAGE];
                const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
                const idx_t m0 = (idx_t)blockIdx.x * MT;
                const int n0 = blockIdx.y * NT;
                const int wm0 = (warp % WARPS_M) * WM, wn0 = (warp / WARPS_M) * WN;
            {{setup}}
                const dnnc_h* kept = (const dnnc_h*)in1;
                const unsigned short* meta = (const unsigned short*)((const unsigned char*)in1 + {{metadataByte}});
                const idx_t first_filter = {{filterRow}};
                /* Slot i of this thread: chunk tid + i * THREADS of a stage, an activation row's (4 per row) or a filter row's (2). */
                bool row_in[CH];
            {{activations.State}}
            #pragma unroll
                for (int i = 0; i < CH; ++i) {
                    const int e = tid + i * THREADS;
                    if (e < MT * 4) {
                        const idx_t m = m0 + (e >> 2);
                        row_in[i] = m < M;
            {{activations.Init}}
                    } else {
                        row_in[i] = n0 + ((e - MT * 4) >> 1) < NG;
                    }
                }
                auto load_tile = [&](int st, int tile) {
                    unsigned char* stage = smem + st * STAGE;
            #pragma unroll
                    for (int i = 0; i < CH; ++i) {
                        const int e = tid + i * THREADS;
                        if (e >= TOTAL) break;
                        if (e < MT * 4) {
                            const int row = e >> 2, q = e & 3;
                            const int kidx = tile * KT + q * EPC;
                            unsigned char* dst = stage + row * ROW + q * 16;
            {{Load(activations)}}
                        } else {
                            const int row = (e - MT * 4) >> 1, q = (e - MT * 4) & 1;
                            const int kept_at = tile * (KT / 2) + q * 8;
                            unsigned char* dst = stage + MT * ROW + row * WROW + q * 16;
                            const bool ok = row_in[i] && kept_at < PK / 2;
                            dnnc_cp_async_16(dst, ok ? (const void*)(kept + (first_filter + n0 + row) * (PK / 2) + kept_at) : (const void*)in1, ok ? 16u : 0u);
                        }
                    }
                };
                float acc[CI][PJ][4];
            #pragma unroll
                for (int i = 0; i < CI; ++i)
            #pragma unroll
                    for (int j = 0; j < PJ; ++j)
            #pragma unroll
                        for (int e = 0; e < 4; ++e) acc[i][j][e] = 0.0f;
                const bool reads_metadata = ((lane >> 1) & 1) == 0;   /* selector 0: lanes 4g and 4g + 1 */
            {{MmaGemmSkeleton.PipelineLoop}}
                    const unsigned char* Bs = smem + (tile % STAGES) * STAGE;
                    const unsigned char* As = Bs + MT * ROW;
                    unsigned af[CI][4], bf[PJ][4], ef[CI];
            #pragma unroll
                    for (int i = 0; i < CI; ++i) {
                        dnnc_ldmatrix_x4(af[i], As + (wn0 + i * 16 + (lane & 15)) * WROW + (lane >> 4) * 16);
                        const int word = tile * 2 + (lane & 1);
                        const int lo = n0 + wn0 + i * 16 + (lane >> 2), hi = lo + 8;
                        unsigned e = 0;
                        if (reads_metadata) {
                            const unsigned low = lo < NG && word < WPR ? meta[(first_filter + lo) * WPR + word] : 0x4444u;
                            const unsigned high = hi < NG && word < WPR ? meta[(first_filter + hi) * WPR + word] : 0x4444u;
                            e = low | high << 16;
                        }
                        ef[i] = e;
                    }
            #pragma unroll
                    for (int j = 0; j < PJ; ++j)
                        dnnc_ldmatrix_x4(bf[j], Bs + (wm0 + j * 8 + (lane & 7)) * ROW + (lane >> 3) * 16);
            #pragma unroll
                    for (int i = 0; i < CI; ++i)
            #pragma unroll
                        for (int j = 0; j < PJ; ++j) dnnc_mma_sp_m16n8k32<0>(acc[i][j], af[i], bf[j], acc[i][j], ef[i]);
                }
                dnnc_cp_async_wait<0>();
            #pragma unroll
                for (int i = 0; i < CI; ++i)
            #pragma unroll
                    for (int j = 0; j < PJ; ++j)
            #pragma unroll
                        for (int e = 0; e < 4; ++e) {
                            const int n = n0 + wn0 + i * 16 + (lane >> 2) + 8 * (e >> 1);
                            const idx_t m = m0 + wm0 + j * 8 + 2 * (lane & 3) + (e & 1);
                            if (m >= M || n >= NG) continue;
                            float v = acc[i][j][e];
            {{finish}}
                        }
            }

            """;
    }

    private static string Load(MmaOperand operand) => MmaGemmSkeleton.LoadOperand(operand, fp16: true);
}
