using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>How one GEMM operand's K-tile rows reach shared memory.</summary>
/// <param name="Vector">True: the template gives a 16-byte chunk address per (row, k) and the skeleton copies it with
/// cp.async (the operand is stored in the shared tile's element type with K contiguous and 16-byte aligned); false: the
/// template gives one element per (row, k), which the skeleton converts and stores itself.</param>
/// <param name="State">Declarations (4-space indent) of what the operand keeps per copy slot, arrays of CH entries: a
/// thread copies the same CH rows in every K-tile, so whatever depends on the row alone is computed once.</param>
/// <param name="Init">Statements (12-space indent) filling slot <c>i</c> of the state for row <c>m</c> (A, idx_t) or
/// <c>n</c> (B, int, within the group); they run for rows outside the matrix too, whose chunks are never read.</param>
/// <param name="Code">Vector: statements (24-space indent) that set <c>const void* src</c> and <c>bool ok</c> for the
/// chunk at k index <c>kidx</c> of slot <c>i</c>; scalar: statements that set <c>float v</c> (already 0) for element
/// <c>kk</c> of slot <c>i</c>.</param>
/// <param name="Base">The operand's argument (in0, in1): the address a zero-filled chunk names, which cp.async then does not read.</param>
internal sealed record MmaOperand(bool Vector, string State, string Init, string Code, string Base);

/// <summary>
/// The tensor-core main loop shared by <see cref="MmaConvTemplate"/> and <see cref="MmaGemmTemplate"/>: D[m, n] =
/// Σ_k A[m, k] · B[n, k] over a block tile of <see cref="MmaTile"/>, with FP32 accumulators in registers.
/// <list type="bullet">
/// <item>Shared memory holds <c>Stages</c> K-tiles of A (Mt rows) and B (Nt rows), 64 bytes of K per row (32 halves for
/// FP16, 16 floats for TF32) at an 80-byte pitch. A K-tile is copied with cp.async 16 bytes at a time (zero-filled
/// outside the matrix) or, where the operand's layout does not allow it, element by element; the copies run Stages − 1
/// tiles ahead of the math (PTX.md §4: a wait_group of Stages − 2 leaves exactly the newer tiles in flight).</item>
/// <item>Each warp owns a WarpM × WarpN tile: ldmatrix.x4 loads an A fragment (16 rows × 16 bytes of K, PTX.md §3.4
/// row 1), ldmatrix.x2 a B fragment (8 rows n × 16 bytes, row 2), and mma.sync m16n8k16 (FP16) or m16n8k8 (TF32, after
/// cvt.rna of each register, as cuBLAS rounds) accumulates. The byte offsets of both recipes are the same for FP16 and
/// TF32: 16 bytes are 8 halves or 4 floats, which is what each shape's fragment rows hold (PTX.md §3.4, tf32 note).</item>
/// <item>The accumulator element e of lane l sits at row g + 8(e >> 1), column 2t + (e &amp; 1) of its 16 × 8 tile
/// (g = l >> 2, t = l &amp; 3, PTX.md §1.2 and §2.2); the template's epilogue finishes and stores each one.</item>
/// </list>
/// </summary>
internal static class MmaGemmSkeleton
{
    /// <param name="fp16">FP16 operands and m16n8k16; else FP32 operands rounded to TF32 and m16n8k8.</param>
    /// <param name="setup">Statements (4-space indent) after the constants: block coordinates beyond m0 and n0.</param>
    /// <param name="finish">Statements (20-space indent) that finish and store <c>v</c> at row <c>m</c> (idx_t) and
    /// column <c>n</c> (int, within the group), both inside the matrix.</param>
    public static string Emit(string header, string indexType, MmaTile t, bool fp16, string m, string n, string k,
        string setup, MmaOperand a, MmaOperand b, string finish)
    {
        Check(t);
        int epc = fp16 ? 8 : 4;
        return $$"""
            {{header}}{
                using idx_t = {{indexType}};
                constexpr idx_t M = {{m}};
                constexpr int NG = {{n}}, KG = {{k}};
                constexpr int MT = {{t.Mt}}, NT = {{t.Nt}}, WM = {{t.WarpM}}, WN = {{t.WarpN}}, STAGES = {{t.Stages}};
                constexpr int THREADS = {{t.Threads}}, WARPS_M = MT / WM, MI = WM / 16, NJ = WN / 8;
                constexpr int ROW = {{MmaTile.RowPitch}}, EPC = {{epc}}, KT = 4 * EPC, KTILES = (KG + KT - 1) / KT;
                __shared__ __align__(128) unsigned char smem[STAGES * (MT + NT) * ROW];
                const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
                const idx_t m0 = (idx_t)blockIdx.x * MT;
                const int n0 = blockIdx.y * NT;
                const int wm0 = (warp % WARPS_M) * WM, wn0 = (warp / WARPS_M) * WN;
            {{setup}}
                /* Copy slot i of this thread is chunk tid + i * THREADS of a K-tile: (MT + NT) rows of four 16-byte chunks, the
                   same row in every tile, so row-only work is done once here. */
                constexpr int CH = (MT + NT) * 4 / THREADS;
                bool row_in[CH];
            {{a.State}}
            {{b.State}}
            #pragma unroll
                for (int i = 0; i < CH; ++i) {
                    const int row = (tid + i * THREADS) >> 2;
                    if (row < MT) {
                        const idx_t m = m0 + row;
                        row_in[i] = m < M;
            {{a.Init}}
                    } else {
                        const int n = n0 + (row - MT);
                        row_in[i] = n < NG;
            {{b.Init}}
                    }
                }
                auto load_tile = [&](int st, int tile) {
            #pragma unroll
                    for (int i = 0; i < CH; ++i) {
                        const int e = tid + i * THREADS, row = e >> 2, q = e & 3;
                        const int kidx = tile * KT + q * EPC;
                        unsigned char* dst = smem + (st * (MT + NT) + row) * ROW + q * 16;
                        if (row < MT) {
            {{LoadOperand(a, fp16)}}
                        } else {
            {{LoadOperand(b, fp16)}}
                        }
                    }
                };
                float acc[MI][NJ][4];
            #pragma unroll
                for (int i = 0; i < MI; ++i)
            #pragma unroll
                    for (int j = 0; j < NJ; ++j)
            #pragma unroll
                        for (int e = 0; e < 4; ++e) acc[i][j][e] = 0.0f;
            {{PipelineLoop}}
                    const unsigned char* As = smem + (tile % STAGES) * (MT + NT) * ROW;
                    const unsigned char* Bs = As + MT * ROW;
            #pragma unroll
                    for (int ks = 0; ks < 2; ++ks) {
                        unsigned af[MI][4], bf[NJ][2];
            #pragma unroll
                        for (int i = 0; i < MI; ++i)
                            dnnc_ldmatrix_x4(af[i], As + (wm0 + i * 16 + (lane & 15)) * ROW + ks * 32 + (lane >> 4) * 16);
            #pragma unroll
                        for (int j = 0; j < NJ; ++j)
                            dnnc_ldmatrix_x2(bf[j], Bs + (wn0 + j * 8 + (lane & 7)) * ROW + ks * 32 + ((lane >> 3) & 1) * 16);
            {{Multiply(fp16)}}
                    }
                }
                dnnc_cp_async_wait<0>();
            #pragma unroll
                for (int i = 0; i < MI; ++i)
            #pragma unroll
                    for (int j = 0; j < NJ; ++j)
            #pragma unroll
                        for (int e = 0; e < 4; ++e) {
                            const idx_t m = m0 + wm0 + i * 16 + (lane >> 2) + 8 * (e >> 1);
                            const int n = n0 + wn0 + j * 8 + 2 * (lane & 3) + (e & 1);
                            if (m >= M || n >= NG) continue;
                            float v = acc[i][j][e];
            {{finish}}
                        }
            }

            """;
    }

    /// <summary>
    /// The cp.async pipeline both tensor-core main loops run (PTX.md §4), up to the multiply of K-tile <c>tile</c>:
    /// Stages − 1 tiles are in flight before the first one; at each tile a wait_group of Stages − 2 leaves only the newer
    /// ones pending, a barrier makes the tile visible to every warp (and every warp is then done with the stage the next
    /// copy overwrites), and the copy Stages − 1 tiles ahead is issued. Needs <c>load_tile(stage, tile)</c>.
    /// </summary>
    internal const string PipelineLoop = """
        #pragma unroll
            for (int st = 0; st < STAGES - 1; ++st) {
                if (st < KTILES) load_tile(st, st);
                dnnc_cp_async_commit();
            }
            for (int tile = 0; tile < KTILES; ++tile) {
                dnnc_cp_async_wait<STAGES - 2>();
                __syncthreads();   /* tile's copies are visible to every warp, and every warp is done with tile - 1 */
                if (tile + STAGES - 1 < KTILES) load_tile((tile + STAGES - 1) % STAGES, tile + STAGES - 1);
                dnnc_cp_async_commit();
        """;

    public static void Check(MmaTile t)
    {
        if (t.Mt <= 0 || t.Nt <= 0 || t.WarpM <= 0 || t.WarpN <= 0 || t.Mt % t.WarpM != 0 || t.Nt % t.WarpN != 0
            || t.WarpM % 16 != 0 || t.WarpN % 8 != 0)
            throw new ArgumentException($"mma tile {t}: warp tiles must divide the block tile and be multiples of 16x8");
        if (t.Stages < 2) throw new ArgumentException($"mma tile {t}: the pipeline needs at least 2 stages");
        if (t.Threads > 1024) throw new ArgumentException($"mma tile {t} needs {t.Threads} threads per block; the limit is 1024");
        if ((t.Mt + t.Nt) * 4 % t.Threads != 0)
            throw new ArgumentException($"mma tile {t}: its {(t.Mt + t.Nt) * 4} chunks per K-tile do not divide among {t.Threads} threads");
        if (t.SharedBytes > 48 * 1024)
            throw new ArgumentException($"mma tile {t} needs {t.SharedBytes} bytes of static shared memory; the limit is 49152");
    }

    /// <summary>One slot's copy of an operand chunk into <c>dst</c>: a cp.async, or element loads, converts and stores.</summary>
    internal static string LoadOperand(MmaOperand operand, bool fp16)
    {
        if (operand.Vector)
            return $$"""
                                const void* src = {{operand.Base}};
                                bool ok = false;
                                if (row_in[i] && kidx < KG) {
                {{operand.Code}}
                                }
                                dnnc_cp_async_16(dst, ok ? src : (const void*){{operand.Base}}, ok ? 16u : 0u);
                """;
        // Element by element: each value converted to the tile's type and stored with a plain shared store, which the
        // __syncthreads() before its tile is read makes visible.
        string store = fp16
            ? "for (int j = 0; j < EPC; j += 2) ((unsigned*)dst)[j / 2] = dnnc_pack_half2(x[j], x[j + 1]);"
            : "for (int j = 0; j < EPC; ++j) ((float*)dst)[j] = x[j];";
        return $$"""
                            float x[EPC];
            #pragma unroll
                            for (int j = 0; j < EPC; ++j) {
                                const int kk = kidx + j;
                                float v = 0.0f;
                                if (row_in[i] && kk < KG) {
            {{operand.Code}}
                                }
                                x[j] = v;
                            }
            #pragma unroll
                            {{store}}
            """;
    }

    private static string Multiply(bool fp16) => fp16
        ? """
          #pragma unroll
                          for (int i = 0; i < MI; ++i)
          #pragma unroll
                              for (int j = 0; j < NJ; ++j) dnnc_mma_m16n8k16(acc[i][j], af[i], bf[j], acc[i][j]);
          """
        : """
          #pragma unroll
                          for (int i = 0; i < MI; ++i)
          #pragma unroll
                              for (int r = 0; r < 4; ++r) af[i][r] = dnnc_to_tf32(__int_as_float(af[i][r]));
          #pragma unroll
                          for (int j = 0; j < NJ; ++j)
          #pragma unroll
                              for (int r = 0; r < 2; ++r) bf[j][r] = dnnc_to_tf32(__int_as_float(bf[j][r]));
          #pragma unroll
                          for (int i = 0; i < MI; ++i)
          #pragma unroll
                              for (int j = 0; j < NJ; ++j) dnnc_mma_m16n8k8_tf32(acc[i][j], af[i], bf[j], acc[i][j]);
          """;
}
