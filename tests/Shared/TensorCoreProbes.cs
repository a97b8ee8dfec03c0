using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.TestCases;

/// <summary>One instruction probe: a kernel on one warp, its buffers (output first), and the check of what it wrote.</summary>
public sealed record TensorCoreProbe(string Name, string Kernel, string Source, float[][] Buffers, Func<float[][], IReadOnlyList<string>> Mismatches)
{
    /// <summary>The launch every probe takes: one block of one warp.</summary>
    public PlanKernel Launch => new(Kernel, new SoftmaxSpec(1, 1, 1), Enumerable.Range(0, Buffers.Length).ToEquatableArray(), [], new LaunchConfig(1, 1, 1, 32, 1, 1, 0));
}

/// <summary>
/// The tensor-core instruction probes (PTX.md §1-3, §8), shared by the CPU twin's tests (g++) and the GPU tests (the
/// hardware), so that both executors run the same kernels on the same fresh seeded inputs and are held to the same
/// expectations. Expected register contents come from CuTe's layouts for SM80_16x8x16 and SM80_16x8x8 (evaluated here
/// as layout algebra, a formulation independent of the PTX formulas the twin is written from); expected results from
/// plain matrix products.
/// </summary>
public static class TensorCoreProbes
{
    /// <summary>
    /// A kernel that takes each lane's registers as bit patterns (in0 = A, 4 per lane; in1 = B, 2; in2 = C, 4), runs one
    /// <paramref name="mma"/> helper and writes each lane's D (out, 4 per lane): the register-level probe of both shapes.
    /// </summary>
    public static string RegisterProbeFor(string kernel, string mma) => $$"""
        extern "C" __global__ void __launch_bounds__(32, 1) {{kernel}}(float* __restrict__ out, const float* __restrict__ in0,
            const float* __restrict__ in1, const float* __restrict__ in2)
        {
            unsigned lane = dnnc_lane_id();
            unsigned a[4], b[2];
            float c[4], d[4];
            for (int r = 0; r < 4; ++r) a[r] = __float_as_uint(in0[lane * 4 + r]);
            for (int r = 0; r < 2; ++r) b[r] = __float_as_uint(in1[lane * 2 + r]);
            for (int r = 0; r < 4; ++r) c[r] = in2[lane * 4 + r];
            {{mma}}(d, a, b, c);
            for (int r = 0; r < 4; ++r) out[lane * 4 + r] = d[r];
        }
        """;

    public static readonly string RegisterProbe = RegisterProbeFor("mma_registers", "dnnc_mma_m16n8k16");

    /// <summary>Packs fragments from row-major A [16][16], B [16][8] (k, n), C [16][8] by PTX.md §1.2; writes D row-major.</summary>
    public const string MemoryProbe = """
        extern "C" __global__ void __launch_bounds__(32, 1) mma_memory(float* __restrict__ out, const float* __restrict__ A,
            const float* __restrict__ B, const float* __restrict__ C)
        {
            unsigned lane = dnnc_lane_id();
            int g = lane >> 2, t = lane & 3;
            unsigned a[4], b[2];
            float c[4], d[4];
            for (int r = 0; r < 4; ++r) {
                int row = g + 8 * (r & 1), col = 2 * t + 8 * (r >> 1);
                a[r] = dnnc_pack_half2(A[row * 16 + col], A[row * 16 + col + 1]);
            }
            for (int r = 0; r < 2; ++r) {
                int k = 2 * t + 8 * r;
                b[r] = dnnc_pack_half2(B[k * 8 + g], B[(k + 1) * 8 + g]);
            }
            for (int e = 0; e < 4; ++e) c[e] = C[(g + 8 * (e >> 1)) * 8 + 2 * t + (e & 1)];
            dnnc_mma_m16n8k16(d, a, b, c);
            for (int e = 0; e < 4; ++e) out[(g + 8 * (e >> 1)) * 8 + 2 * t + (e & 1)] = d[e];
        }
        """;

    public static readonly string Tf32RegisterProbe = RegisterProbeFor("mma_tf32_registers", "dnnc_mma_m16n8k8_tf32");

    /// <summary>TF32 from row-major memory, each operand rounded with cvt.rna (PTX.md §2.2-2.3): A [16][8], B [8][8] (k, n), C [16][8].</summary>
    public const string Tf32MemoryProbe = """
        extern "C" __global__ void __launch_bounds__(32, 1) mma_tf32_memory(float* __restrict__ out, const float* __restrict__ A,
            const float* __restrict__ B, const float* __restrict__ C)
        {
            unsigned lane = dnnc_lane_id();
            int g = lane >> 2, t = lane & 3;
            unsigned a[4], b[2];
            float c[4], d[4];
            for (int r = 0; r < 4; ++r) a[r] = dnnc_to_tf32(A[(g + 8 * (r & 1)) * 8 + t + 4 * (r >> 1)]);
            for (int r = 0; r < 2; ++r) b[r] = dnnc_to_tf32(B[(t + 4 * r) * 8 + g]);
            for (int e = 0; e < 4; ++e) c[e] = C[(g + 8 * (e >> 1)) * 8 + 2 * t + (e & 1)];
            dnnc_mma_m16n8k8_tf32(d, a, b, c);
            for (int e = 0; e < 4; ++e) out[(g + 8 * (e >> 1)) * 8 + 2 * t + (e & 1)] = d[e];
        }
        """;

    /// <summary>
    /// ldmatrix by PTX.md §3.4's recipes from a shared tile: A [16][16] f16 with .x4 at &amp;A[l % 16][(l / 16) * 8] (out, 4
    /// registers per lane), and B [16][8] f16 stored K×N with .x2.trans at &amp;B[l % 16][0] (in0's slot: 2 per lane).
    /// </summary>
    public const string LdmatrixProbe = """
        extern "C" __global__ void __launch_bounds__(32, 1) ldmatrix_probe(float* __restrict__ out, float* __restrict__ outB,
            const float* __restrict__ A, const float* __restrict__ B)
        {
            __shared__ unsigned tileA[16 * 8];   /* 16 rows of 16 halves: 32 bytes a row */
            __shared__ unsigned tileB[16 * 4];   /* 16 rows of 8 halves: 16 bytes a row */
            unsigned lane = dnnc_lane_id();
            for (int w = lane; w < 16 * 8; w += 32) tileA[w] = dnnc_pack_half2(A[2 * w], A[2 * w + 1]);
            for (int w = lane; w < 16 * 4; w += 32) tileB[w] = dnnc_pack_half2(B[2 * w], B[2 * w + 1]);
            __syncthreads();
            unsigned a[4], b[2];
            dnnc_ldmatrix_x4(a, (const char*)tileA + (lane % 16) * 32 + (lane / 16) * 16);
            dnnc_ldmatrix_x2_trans(b, (const char*)tileB + (lane % 16) * 16);
            for (int r = 0; r < 4; ++r) out[lane * 4 + r] = __int_as_float(a[r]);
            for (int r = 0; r < 2; ++r) outB[lane * 2 + r] = __int_as_float(b[r]);
        }
        """;

    /// <summary>
    /// cp.async of a 16x16 f16 tile (one 16-byte chunk per lane, the last one with src-size 8: its upper 8 bytes zero-filled),
    /// commit, wait_group 0, __syncthreads, then ldmatrix .x4 as in <see cref="LdmatrixProbe"/>. {0} is the wait, so the twin's
    /// tests can leave it out.
    /// </summary>
    public const string CpAsyncProbeTemplate = """
        extern "C" __global__ void __launch_bounds__(32, 1) cp_async_probe(float* __restrict__ out, const float* __restrict__ tile)
        {
            __shared__ __attribute__((aligned(16))) unsigned staged[16 * 8];
            unsigned lane = dnnc_lane_id();
            dnnc_cp_async_16((char*)staged + lane * 16, (const char*)tile + lane * 16, lane == 31 ? 8u : 16u);
            dnnc_cp_async_commit();
            {0}
            __syncthreads();
            unsigned a[4];
            dnnc_ldmatrix_x4(a, (const char*)staged + (lane % 16) * 32 + (lane / 16) * 16);
            for (int r = 0; r < 4; ++r) out[lane * 4 + r] = __int_as_float(a[r]);
        }
        """;

    public static string CpAsyncProbe(string wait = "dnnc_cp_async_wait<0>();") => CpAsyncProbeTemplate.Replace("{0}", wait);

    /// <summary>
    /// Every ldmatrix variant, .x1, .x2, .x4, each plain and .trans, from one shared tile of 32 rows of 8 halves, lane l
    /// giving the address of row l (PTX.md §3.2: lanes 8j..8j+7 address matrix j; the lanes a variant does not read are
    /// ignored). Per lane 14 registers: x1, x2 (2), x4 (4), x1.trans, x2.trans (2), x4.trans (4).
    /// </summary>
    public const string LdmatrixVariantsProbe = """
        extern "C" __global__ void __launch_bounds__(32, 1) ldmatrix_variants(float* __restrict__ out, const float* __restrict__ tile)
        {
            __shared__ __attribute__((aligned(16))) unsigned rows[32 * 4];
            unsigned lane = dnnc_lane_id();
            for (int w = lane; w < 32 * 4; w += 32) rows[w] = dnnc_pack_half2(tile[2 * w], tile[2 * w + 1]);
            __syncthreads();
            const char* mine = (const char*)rows + lane * 16;
            unsigned r[14];
            dnnc_ldmatrix_x1(r, mine);
            dnnc_ldmatrix_x2(r + 1, mine);
            dnnc_ldmatrix_x4(r + 3, mine);
            dnnc_ldmatrix_x1_trans(r + 7, mine);
            dnnc_ldmatrix_x2_trans(r + 8, mine);
            dnnc_ldmatrix_x4_trans(r + 10, mine);
            for (int i = 0; i < 14; ++i) out[lane * 14 + i] = __int_as_float(r[i]);
        }
        """;

    /// <summary>
    /// mma.sp m16n8k32 from memory (PTX.md §5), with selector 0 and then 1: each lane assembles its compressed-A, B and C
    /// registers by §5.3-5.4's maps and its metadata word (§5.6: row g's 16 bits low, row g + 8's high, word p = lane &amp; 1)
    /// only in the lanes the selector reads; the others pass 0, invalid nibbles that must be ignored. Out: D of selector 0,
    /// then of selector 1, 4 per lane. Metadata differs per row and chunk, so a wrong lane or nibble order shows.
    /// </summary>
    public const string MmaSparseProbe = """
        extern "C" __global__ void __launch_bounds__(32, 1) mma_sp_probe(float* __restrict__ out, const float* __restrict__ Ac,
            const float* __restrict__ B, const float* __restrict__ C, const float* __restrict__ meta)
        {
            unsigned lane = dnnc_lane_id(), g = lane >> 2, t = lane & 3;
            unsigned a[4], b[4];
            float c[4], d[4];
            for (int r = 0; r < 4; ++r) {
                int row = g + 8 * (r & 1), col = 8 * (r >> 1) + 2 * t;
                a[r] = dnnc_pack_half2(Ac[row * 16 + col], Ac[row * 16 + col + 1]);
            }
            for (int j = 0; j < 4; ++j) b[j] = dnnc_pack_half2(B[(2 * t + 8 * j) * 8 + g], B[(2 * t + 8 * j + 1) * 8 + g]);
            for (int q = 0; q < 4; ++q) c[q] = C[(g + 8 * (q >> 1)) * 8 + 2 * t + (q & 1)];
            unsigned p = lane & 1, f = (lane >> 1) & 1;
            unsigned word = (unsigned)meta[g * 2 + p] | ((unsigned)meta[(g + 8) * 2 + p] << 16);
            dnnc_mma_sp_m16n8k32<0>(d, a, b, c, f == 0 ? word : 0u);
            for (int q = 0; q < 4; ++q) out[lane * 4 + q] = d[q];
            dnnc_mma_sp_m16n8k32<1>(d, a, b, c, f == 1 ? word : 0u);
            for (int q = 0; q < 4; ++q) out[128 + lane * 4 + q] = d[q];
        }
        """;

    /// <summary>The expectation of <see cref="MmaSparseProbe"/>: the 2:4 A rebuilt in C# from its kept halves and
    /// metadata by §5.5 (nibble c & 3 of row r's word c >> 2; bits [1:0] the first kept index, [3:2] the second), times B,
    /// plus C, for both selectors.</summary>
    public static TensorCoreProbe MmaSparse(int seed)
    {
        var random = new Random(seed);
        float[] kept = RandomHalves(256, random), b = RandomHalves(256, random), c = RandomFloats(128, random, 1);
        var meta = new float[32];
        var dense = new float[16 * 32];
        for (int row = 0; row < 16; row++)
            for (int chunk = 0; chunk < 8; chunk++)
            {
                int i0 = random.Next(3), i1 = i0 + 1 + random.Next(3 - i0);   // ascending, so ordered_metadata would accept it too
                meta[row * 2 + chunk / 4] += (i0 | i1 << 2) << (4 * (chunk % 4));
                dense[row * 32 + 4 * chunk + i0] = kept[row * 16 + 2 * chunk];
                dense[row * 32 + 4 * chunk + i1] = kept[row * 16 + 2 * chunk + 1];
            }
        var expected = Product(dense, b, c, 16, 8, 32);
        return new TensorCoreProbe("mma.sp m16n8k32 f16, selectors 0 and 1", "mma_sp_probe", MmaSparseProbe, [new float[256], kept, b, c, meta], outputs =>
        {
            var errors = LaneResults(outputs[0][..128], expected);
            errors.AddRange(LaneResults(outputs[0][128..], expected).Select(e => "selector 1: " + e));
            return errors;
        });
    }

    public static IReadOnlyList<TensorCoreProbe> All(int seed) =>
    [
        MmaF16Registers(seed), MmaF16Memory(seed + 1), MmaTf32Registers(seed + 2), MmaTf32Memory(seed + 3), Ldmatrix(seed + 4),
        CpAsync(seed + 5), LdmatrixVariants(seed + 6), MmaSparse(seed + 7),
    ];

    /// <summary>What each lane must receive from <see cref="LdmatrixVariantsProbe"/>, from PTX.md §3.3's table: register j
    /// of lane l holds M_j[l >> 2][2(l &amp; 3) + h] (h = 0 low, 1 high), or with .trans M_j[2(l &amp; 3) + h][l >> 2], M_j being
    /// rows 8j..8j+7 of the tile.</summary>
    public static TensorCoreProbe LdmatrixVariants(int seed)
    {
        var random = new Random(seed);
        float[] tile = RandomHalves(256, random);
        return new TensorCoreProbe("ldmatrix x1, x2, x4, plain and .trans", "ldmatrix_variants", LdmatrixVariantsProbe, [new float[32 * 14], tile], outputs =>
        {
            var errors = new List<string>();
            (int Count, bool Trans, int First)[] variants = [(1, false, 0), (2, false, 1), (4, false, 3), (1, true, 7), (2, true, 8), (4, true, 10)];
            for (int lane = 0; lane < 32; lane++)
                foreach (var (count, trans, first) in variants)
                    for (int j = 0; j < count; j++)
                    {
                        uint expected = 0;
                        for (int h = 0; h < 2; h++)
                        {
                            int row = trans ? 2 * (lane & 3) + h : lane >> 2, col = trans ? lane >> 2 : 2 * (lane & 3) + h;
                            expected |= (uint)Bits(tile[(8 * j + row) * 8 + col]) << (16 * h);
                        }
                        uint actual = BitConverter.SingleToUInt32Bits(outputs[0][lane * 14 + first + j]);
                        if (expected != actual) errors.Add($"lane {lane}, x{count}{(trans ? ".trans" : "")} r{j}: 0x{actual:X8} against 0x{expected:X8}");
                    }
            return errors;
        });
    }

    /// <summary>The tile cp.async stages, as word bit patterns (halves 2w and 2w + 1 of the row-major 16x16), and the halves
    /// shared memory must hold after the wait: the last 4 zero-filled.</summary>
    public static TensorCoreProbe CpAsync(int seed, string? wait = null)
    {
        var random = new Random(seed);
        float[] a = RandomHalves(256, random);
        var words = Enumerable.Range(0, 128).Select(w => BitConverter.UInt32BitsToSingle(Bits(a[2 * w]) | (uint)Bits(a[2 * w + 1]) << 16)).ToArray();
        var staged = a.Select((v, i) => i >= 252 ? 0f : v).ToArray();
        return new TensorCoreProbe("cp.async 16 B with zero fill, wait_group 0, ldmatrix x4", "cp_async_probe",
            wait is null ? CpAsyncProbe() : CpAsyncProbe(wait), [new float[128], words], outputs =>
        {
            var errors = new List<string>();
            for (int lane = 0; lane < 32; lane++)
                for (int r = 0; r < 4; r++)
                {
                    var (r0, c0) = AOf(lane, 2 * r);
                    var (r1, c1) = AOf(lane, 2 * r + 1);
                    uint expected = Bits(staged[r0 * 16 + c0]) | (uint)Bits(staged[r1 * 16 + c1]) << 16;
                    uint actual = BitConverter.SingleToUInt32Bits(outputs[0][lane * 4 + r]);
                    if (expected != actual) errors.Add($"lane {lane}, a{r}: 0x{actual:X8} against 0x{expected:X8}");
                }
            return errors;
        });
    }

    /// <summary>A CuTe layout (shape):(stride) evaluated at a coordinate given as one index, first mode fastest.</summary>
    public static int Evaluate(int[] shape, int[] stride, int index)
    {
        int offset = 0;
        for (int mode = 0; mode < shape.Length; mode++)
        {
            offset += index % shape[mode] * stride[mode];
            index /= shape[mode];
        }
        return offset;
    }

    // SM80_16x8x16 (include/cute/atom/mma_traits_sm80.hpp): thread modes (4,8), value modes; tiles are column-major.
    public static (int Row, int Col) AOf(int lane, int v)   // A is M×K = 16×16: offset = m + 16k
    {
        int offset = Evaluate([4, 8], [32, 1], lane) + Evaluate([2, 2, 2], [16, 8, 128], v);
        return (offset % 16, offset / 16);
    }

    public static (int K, int N) BOf(int lane, int v)        // B is N×K = 8×16: offset = n + 8k
    {
        int offset = Evaluate([4, 8], [16, 1], lane) + Evaluate([2, 2], [8, 64], v);
        return (offset / 8, offset % 8);
    }

    public static (int Row, int Col) COf(int lane, int v)   // C is M×N = 16×8: offset = m + 16n
    {
        int offset = Evaluate([4, 8], [32, 1], lane) + Evaluate([2, 2], [16, 8], v);
        return (offset % 16, offset / 16);
    }

    // SM80_16x8x8_F32TF32TF32F32_TN: A is M×K = 16×8 (offset m + 16k), B is N×K = 8×8 (offset n + 8k).
    public static (int Row, int Col) Tf32AOf(int lane, int v)
    {
        int offset = Evaluate([4, 8], [16, 1], lane) + Evaluate([2, 2], [8, 64], v);
        return (offset % 16, offset / 16);
    }

    public static (int K, int N) Tf32BOf(int lane, int v)
    {
        int offset = Evaluate([4, 8], [8, 1], lane) + Evaluate([2], [32], v);
        return (offset / 8, offset % 8);
    }

    public static ushort Bits(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    public static float Truncated(float v) => BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(v) & 0xFFFFE000u);

    public static float Tf32Rounded(float v)
    {
        if (!float.IsFinite(v)) return v;
        return BitConverter.UInt32BitsToSingle((BitConverter.SingleToUInt32Bits(v) + 0x1000u) & 0xFFFFE000u);
    }

    public static float[] RandomFloats(int count, Random random, double scale = 2) =>
        Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 * scale - scale)).ToArray();

    public static float[] RandomHalves(int count, Random random) => RandomFloats(count, random).Select(v => (float)(Half)v).ToArray();

    public static double[] Product(float[] a, float[] b, float[] c, int m, int n, int k)
    {
        var d = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = c[i * n + j];
                for (int p = 0; p < k; p++) sum += (double)a[i * k + p] * b[p * n + j];
                d[i * n + j] = sum;
            }
        return d;
    }

    private static void Close(List<string> errors, double expected, float actual, string where)
    {
        if (!(Math.Abs(actual - expected) <= 1e-5 * (1 + Math.Abs(expected)))) errors.Add($"{where}: {actual} against {expected}");
    }

    /// <summary>Each lane's D registers (per CuTe's C layout) against the product, from its output buffer of 4 per lane.</summary>
    private static List<string> LaneResults(float[] d, double[] expected)
    {
        var errors = new List<string>();
        for (int lane = 0; lane < 32; lane++)
            for (int v = 0; v < 4; v++)
            {
                var (row, col) = COf(lane, v);
                Close(errors, expected[row * 8 + col], d[lane * 4 + v], $"lane {lane}, d{v} = D[{row}][{col}]");
            }
        return errors;
    }

    /// <summary>Registers laid out as CuTe gives them for m16n8k16; each lane's D against a plain product.</summary>
    public static TensorCoreProbe MmaF16Registers(int seed)
    {
        var random = new Random(seed);
        float[] a = RandomHalves(256, random), b = RandomHalves(128, random), c = RandomFloats(128, random, 1);
        var aRegs = new float[32 * 4];
        var bRegs = new float[32 * 2];
        var cRegs = new float[32 * 4];
        for (int lane = 0; lane < 32; lane++)
        {
            for (int r = 0; r < 4; r++)
            {
                var (r0, c0) = AOf(lane, 2 * r);
                var (r1, c1) = AOf(lane, 2 * r + 1);
                aRegs[lane * 4 + r] = BitConverter.UInt32BitsToSingle(Bits(a[r0 * 16 + c0]) | (uint)Bits(a[r1 * 16 + c1]) << 16);
            }
            for (int r = 0; r < 2; r++)
            {
                var (k0, n0) = BOf(lane, 2 * r);
                var (k1, n1) = BOf(lane, 2 * r + 1);
                bRegs[lane * 2 + r] = BitConverter.UInt32BitsToSingle(Bits(b[k0 * 8 + n0]) | (uint)Bits(b[k1 * 8 + n1]) << 16);
            }
            for (int v = 0; v < 4; v++) { var (row, col) = COf(lane, v); cRegs[lane * 4 + v] = c[row * 8 + col]; }
        }
        var expected = Product(a, b, c, 16, 8, 16);
        return new TensorCoreProbe("mma m16n8k16 f16, registers", "mma_registers", RegisterProbe, [new float[128], aRegs, bRegs, cRegs],
            outputs => LaneResults(outputs[0], expected));
    }

    /// <summary>Fragments packed from row-major memory with cvt.rn.f16x2.f32 by PTX.md §1.2; D written row-major.</summary>
    public static TensorCoreProbe MmaF16Memory(int seed)
    {
        var random = new Random(seed);
        // Not pre-rounded: the probe rounds A and B to FP16 as it packs them (cvt.rn), exactly as System.Half does.
        float[] a = RandomFloats(256, random), b = RandomFloats(128, random), c = RandomFloats(128, random, 1);
        var expected = Product(a.Select(v => (float)(Half)v).ToArray(), b.Select(v => (float)(Half)v).ToArray(), c, 16, 8, 16);
        var unrounded = Product(a, b, c, 16, 8, 16);
        return new TensorCoreProbe("mma m16n8k16 f16, from memory", "mma_memory", MemoryProbe, [new float[128], a, b, c], outputs =>
        {
            var errors = new List<string>();
            for (int i = 0; i < 128; i++) Close(errors, expected[i], outputs[0][i], $"D[{i / 8}][{i % 8}]");
            // FP16 rounding of the operands did change the result: the FP32 inputs were not multiplied as they are.
            if (!Enumerable.Range(0, 128).Any(i => Math.Abs(unrounded[i] - outputs[0][i]) > 1e-4)) errors.Add("the operands were not rounded to FP16");
            return errors;
        });
    }

    /// <summary>TF32 registers laid out as CuTe gives them for m16n8k8, as raw FP32 bits: the multiplier reads their top 19 bits.</summary>
    public static TensorCoreProbe MmaTf32Registers(int seed)
    {
        var random = new Random(seed);
        float[] a = RandomFloats(128, random), b = RandomFloats(64, random), c = RandomFloats(128, random, 1);
        var aRegs = new float[32 * 4];
        var bRegs = new float[32 * 2];
        var cRegs = new float[32 * 4];
        for (int lane = 0; lane < 32; lane++)
        {
            for (int r = 0; r < 4; r++) { var (row, col) = Tf32AOf(lane, r); aRegs[lane * 4 + r] = a[row * 8 + col]; }
            for (int r = 0; r < 2; r++) { var (k, n) = Tf32BOf(lane, r); bRegs[lane * 2 + r] = b[k * 8 + n]; }
            for (int v = 0; v < 4; v++) { var (row, col) = COf(lane, v); cRegs[lane * 4 + v] = c[row * 8 + col]; }
        }
        var expected = Product(a.Select(Truncated).ToArray(), b.Select(Truncated).ToArray(), c, 16, 8, 8);
        return new TensorCoreProbe("mma m16n8k8 tf32, registers", "mma_tf32_registers", Tf32RegisterProbe, [new float[128], aRegs, bRegs, cRegs],
            outputs => LaneResults(outputs[0], expected));
    }

    /// <summary>TF32 operands rounded in the kernel with cvt.rna.tf32.f32 (to nearest, ties away), as the simulator rounds them.</summary>
    public static TensorCoreProbe MmaTf32Memory(int seed)
    {
        var random = new Random(seed);
        float[] a = RandomFloats(128, random), b = RandomFloats(64, random), c = RandomFloats(128, random, 1);
        var expected = Product(a.Select(Tf32Rounded).ToArray(), b.Select(Tf32Rounded).ToArray(), c, 16, 8, 8);
        var truncated = Product(a.Select(Truncated).ToArray(), b.Select(Truncated).ToArray(), c, 16, 8, 8);
        return new TensorCoreProbe("mma m16n8k8 tf32, cvt.rna from memory", "mma_tf32_memory", Tf32MemoryProbe, [new float[128], a, b, c], outputs =>
        {
            var errors = new List<string>();
            for (int i = 0; i < 128; i++) Close(errors, expected[i], outputs[0][i], $"D[{i / 8}][{i % 8}]");
            if (!Enumerable.Range(0, 128).Any(i => Math.Abs(truncated[i] - outputs[0][i]) > 1e-6)) errors.Add("cvt.rna rounded like a truncation");
            return errors;
        });
    }

    /// <summary>ldmatrix .x4 and .x2.trans by PTX.md §3.4's recipes: exactly the mma fragments CuTe's layouts give, bit for bit.</summary>
    public static TensorCoreProbe Ldmatrix(int seed)
    {
        var random = new Random(seed);
        float[] a = RandomHalves(256, random), b = RandomHalves(128, random);
        return new TensorCoreProbe("ldmatrix x4 and x2.trans", "ldmatrix_probe", LdmatrixProbe, [new float[128], new float[64], a, b], outputs =>
        {
            var errors = new List<string>();
            for (int lane = 0; lane < 32; lane++)
            {
                for (int r = 0; r < 4; r++)
                {
                    var (r0, c0) = AOf(lane, 2 * r);
                    var (r1, c1) = AOf(lane, 2 * r + 1);
                    uint expected = Bits(a[r0 * 16 + c0]) | (uint)Bits(a[r1 * 16 + c1]) << 16;
                    uint actual = BitConverter.SingleToUInt32Bits(outputs[0][lane * 4 + r]);
                    if (expected != actual) errors.Add($"lane {lane}, a{r}: 0x{actual:X8} against 0x{expected:X8}");
                }
                for (int r = 0; r < 2; r++)
                {
                    var (k0, n0) = BOf(lane, 2 * r);
                    var (k1, n1) = BOf(lane, 2 * r + 1);
                    uint expected = Bits(b[k0 * 8 + n0]) | (uint)Bits(b[k1 * 8 + n1]) << 16;
                    uint actual = BitConverter.SingleToUInt32Bits(outputs[1][lane * 2 + r]);
                    if (expected != actual) errors.Add($"lane {lane}, b{r}: 0x{actual:X8} against 0x{expected:X8}");
                }
            }
            return errors;
        });
    }
}
