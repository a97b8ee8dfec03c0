using DnnC.Compiler.CodeGen;
using DnnC.Runtime;
using DnnC.Runtime.Cuda;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Tests.CodeGen.CpuEmulation;

/// <summary>
/// The CPU twin of mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 (PTX.md §1), one instruction at a time, on fresh
/// random fragments:
/// <list type="bullet">
/// <item>register level: each lane's registers filled from the element map CuTe gives (its ALayout, BLayout and CLayout
/// for SM80_16x8x16, evaluated here as layout algebra: a formulation independent of the PTX formulas the twin is
/// written from), and each lane's D registers checked against a plain matrix product;</item>
/// <item>kernel level: a probe kernel that packs its fragments from row-major memory with the helpers (as the FP16
/// templates will), run by the twin, against the same product;</item>
/// <item>the same probe source compiles with NVRTC for sm_80 and sm_90 to the one mma instruction (ptxas accepts it).</item>
/// </list>
/// What only a GPU settles (the hardware's own map) is the GPU check's probe (PTX.md §8).
/// </summary>
public sealed class TensorCoreTwinTests
{
    /// <summary>Takes each lane's registers as bit patterns: in0 = A (4 per lane), in1 = B (2), in2 = C (4); out = D (4).</summary>
    private const string RegisterProbe = """
        extern "C" __global__ void __launch_bounds__(32, 1) mma_registers(float* __restrict__ out, const float* __restrict__ in0,
            const float* __restrict__ in1, const float* __restrict__ in2)
        {
            unsigned lane = dnnc_lane_id();
            unsigned a[4], b[2];
            float c[4], d[4];
            for (int r = 0; r < 4; ++r) a[r] = __float_as_uint(in0[lane * 4 + r]);
            for (int r = 0; r < 2; ++r) b[r] = __float_as_uint(in1[lane * 2 + r]);
            for (int r = 0; r < 4; ++r) c[r] = in2[lane * 4 + r];
            dnnc_mma_m16n8k16(d, a, b, c);
            for (int r = 0; r < 4; ++r) out[lane * 4 + r] = d[r];
        }
        """;

    /// <summary>Packs fragments from row-major A [16][16], B [16][8] (k, n), C [16][8] by PTX.md §1.2; writes D row-major.</summary>
    private const string MemoryProbe = """
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

    /// <summary>TF32: registers as bit patterns (in0 = A, 4 per lane; in1 = B, 2), C (in2); out = D.</summary>
    private const string Tf32RegisterProbe = """
        extern "C" __global__ void __launch_bounds__(32, 1) mma_tf32_registers(float* __restrict__ out, const float* __restrict__ in0,
            const float* __restrict__ in1, const float* __restrict__ in2)
        {
            unsigned lane = dnnc_lane_id();
            unsigned a[4], b[2];
            float c[4], d[4];
            for (int r = 0; r < 4; ++r) a[r] = __float_as_uint(in0[lane * 4 + r]);
            for (int r = 0; r < 2; ++r) b[r] = __float_as_uint(in1[lane * 2 + r]);
            for (int r = 0; r < 4; ++r) c[r] = in2[lane * 4 + r];
            dnnc_mma_m16n8k8_tf32(d, a, b, c);
            for (int r = 0; r < 4; ++r) out[lane * 4 + r] = d[r];
        }
        """;

    /// <summary>TF32 from row-major memory, each operand rounded with cvt.rna (PTX.md §2.2-2.3): A [16][8], B [8][8] (k, n), C [16][8].</summary>
    private const string Tf32MemoryProbe = """
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
    private const string LdmatrixProbe = """
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

    /// <summary>A CuTe layout (shape):(stride) evaluated at a coordinate given as one index, first mode fastest.</summary>
    private static int Evaluate(int[] shape, int[] stride, int index)
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
    private static (int Row, int Col) AOf(int lane, int v)   // A is M×K = 16×16: offset = m + 16k
    {
        int offset = Evaluate([4, 8], [32, 1], lane) + Evaluate([2, 2, 2], [16, 8, 128], v);
        return (offset % 16, offset / 16);
    }

    private static (int K, int N) BOf(int lane, int v)        // B is N×K = 8×16: offset = n + 8k
    {
        int offset = Evaluate([4, 8], [16, 1], lane) + Evaluate([2, 2], [8, 64], v);
        return (offset / 8, offset % 8);
    }

    private static (int Row, int Col) COf(int lane, int v)   // C is M×N = 16×8: offset = m + 16n
    {
        int offset = Evaluate([4, 8], [32, 1], lane) + Evaluate([2, 2], [16, 8], v);
        return (offset % 16, offset / 16);
    }

    // SM80_16x8x8_F32TF32TF32F32_TN (mma_traits_sm80.hpp): A is M×K = 16×8 (offset m + 16k), B is N×K = 8×8 (offset n + 8k).
    private static (int Row, int Col) Tf32AOf(int lane, int v)
    {
        int offset = Evaluate([4, 8], [16, 1], lane) + Evaluate([2, 2], [8, 64], v);
        return (offset % 16, offset / 16);
    }

    private static (int K, int N) Tf32BOf(int lane, int v)
    {
        int offset = Evaluate([4, 8], [8, 1], lane) + Evaluate([2], [32], v);
        return (offset / 8, offset % 8);
    }

    private static float Truncated(float v) => BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(v) & 0xFFFFE000u);

    private static float[] RandomFloats(int count, Random random, double scale = 2) =>
        Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 * scale - scale)).ToArray();

    private static double[] Product(float[] a, float[] b, float[] c, int m, int n, int k)
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

    private static float[] RandomHalves(int count, Random random) =>
        Enumerable.Range(0, count).Select(_ => (float)(Half)(random.NextDouble() * 4 - 2)).ToArray();

    private static ushort Bits(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    private static double[] Product(float[] a, float[] b, float[] c)
    {
        var d = new double[16 * 8];
        for (int m = 0; m < 16; m++)
            for (int n = 0; n < 8; n++)
            {
                double sum = c[m * 8 + n];
                for (int k = 0; k < 16; k++) sum += (double)a[m * 16 + k] * b[k * 8 + n];
                d[m * 8 + n] = sum;
            }
        return d;
    }

    private static PlanKernel Probe(string name) =>
        new(name, new SoftmaxSpec(1, 1, 1), [0, 1, 2, 3], [], new LaunchConfig(1, 1, 1, 32, 1, 1, 0));

    private static void AssertClose(double expected, float actual, string where) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-5 * (1 + Math.Abs(expected)), $"{where}: {actual} against {expected}");

    [Fact]
    public void Each_lane_gets_its_d_registers_from_registers_laid_out_as_cute_gives_them()
    {
        if (!CpuKernelLibrary.CompilerAvailable(out _)) return;
        using var library = CpuKernelLibrary.Build(TensorCoreHelpers.Source + RegisterProbe);
        for (int trial = 0; trial < 3; trial++)
        {
            var random = new Random(100 + trial);
            float[] a = RandomHalves(256, random), b = RandomHalves(128, random);
            var c = Enumerable.Range(0, 128).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
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
                for (int v = 0; v < 4; v++)
                {
                    var (row, col) = COf(lane, v);
                    cRegs[lane * 4 + v] = c[row * 8 + col];
                }
            }
            var d = new float[32 * 4];
            library.Run(Probe("mma_registers"), [d, aRegs, bRegs, cRegs]);

            var expected = Product(a, b, c);
            for (int lane = 0; lane < 32; lane++)
                for (int v = 0; v < 4; v++)
                {
                    var (row, col) = COf(lane, v);
                    AssertClose(expected[row * 8 + col], d[lane * 4 + v], $"trial {trial}, lane {lane}, d{v} = D[{row}][{col}]");
                }
        }
    }

    [Fact]
    public void A_kernel_packing_its_fragments_from_memory_computes_the_product()
    {
        if (!CpuKernelLibrary.CompilerAvailable(out _)) return;
        using var library = CpuKernelLibrary.Build(TensorCoreHelpers.Source + MemoryProbe);
        var random = new Random(7);
        // Not pre-rounded: the probe rounds A and B to FP16 as it packs them (cvt.rn), exactly as System.Half does.
        var a = Enumerable.Range(0, 256).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        var b = Enumerable.Range(0, 128).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        var c = Enumerable.Range(0, 128).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var d = new float[128];
        library.Run(Probe("mma_memory"), [d, a, b, c]);

        var expected = Product(a.Select(v => (float)(Half)v).ToArray(), b.Select(v => (float)(Half)v).ToArray(), c);
        for (int i = 0; i < 128; i++) AssertClose(expected[i], d[i], $"D[{i / 8}][{i % 8}]");
        // FP16 rounding of the operands did change the result: the twin did not multiply the FP32 inputs.
        var unrounded = Product(a, b, c);
        Assert.Contains(Enumerable.Range(0, 128), i => Math.Abs(unrounded[i] - d[i]) > 1e-4);
    }

    [Fact]
    public void Tf32_lanes_get_their_d_registers_from_truncated_operands_laid_out_as_cute_gives_them()
    {
        if (!CpuKernelLibrary.CompilerAvailable(out _)) return;
        using var library = CpuKernelLibrary.Build(TensorCoreHelpers.Source + Tf32RegisterProbe);
        var random = new Random(31);
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
        var d = new float[32 * 4];
        library.Run(Probe("mma_tf32_registers"), [d, aRegs, bRegs, cRegs]);
        // Raw FP32 bits: the multiplier reads their top 19 bits (PTX.md §2.3).
        var expected = Product(a.Select(Truncated).ToArray(), b.Select(Truncated).ToArray(), c, 16, 8, 8);
        for (int lane = 0; lane < 32; lane++)
            for (int v = 0; v < 4; v++)
            {
                var (row, col) = COf(lane, v);
                AssertClose(expected[row * 8 + col], d[lane * 4 + v], $"lane {lane}, d{v} = D[{row}][{col}]");
            }
    }

    [Fact]
    public void Tf32_operands_rounded_with_cvt_rna_match_the_simulators_tf32_rounding()
    {
        if (!CpuKernelLibrary.CompilerAvailable(out _)) return;
        using var library = CpuKernelLibrary.Build(TensorCoreHelpers.Source + Tf32MemoryProbe);
        var random = new Random(32);
        float[] a = RandomFloats(128, random), b = RandomFloats(64, random), c = RandomFloats(128, random, 1);
        var d = new float[128];
        library.Run(Probe("mma_tf32_memory"), [d, a, b, c]);
        var expected = Product(a.Select(DnnC.Runtime.Numerics.Tf32.Round).ToArray(), b.Select(DnnC.Runtime.Numerics.Tf32.Round).ToArray(), c, 16, 8, 8);
        for (int i = 0; i < 128; i++) AssertClose(expected[i], d[i], $"D[{i / 8}][{i % 8}]");
        var truncated = Product(a.Select(Truncated).ToArray(), b.Select(Truncated).ToArray(), c, 16, 8, 8);
        Assert.Contains(Enumerable.Range(0, 128), i => Math.Abs(truncated[i] - d[i]) > 1e-6);
    }

    [Fact]
    public void Ldmatrix_recipes_deliver_the_mma_fragments_cute_gives()
    {
        if (!CpuKernelLibrary.CompilerAvailable(out _)) return;
        using var library = CpuKernelLibrary.Build(TensorCoreHelpers.Source + LdmatrixProbe);
        var random = new Random(33);
        float[] a = RandomHalves(256, random), b = RandomHalves(128, random);
        var outA = new float[32 * 4];
        var outB = new float[32 * 2];
        library.Run(Probe("ldmatrix_probe"), [outA, outB, a, b]);
        for (int lane = 0; lane < 32; lane++)
        {
            for (int r = 0; r < 4; r++)
            {
                var (r0, c0) = AOf(lane, 2 * r);
                var (r1, c1) = AOf(lane, 2 * r + 1);
                uint expected = Bits(a[r0 * 16 + c0]) | (uint)Bits(a[r1 * 16 + c1]) << 16;
                Assert.True(expected == BitConverter.SingleToUInt32Bits(outA[lane * 4 + r]), $"lane {lane}, a{r}");
            }
            for (int r = 0; r < 2; r++)
            {
                var (k0, n0) = BOf(lane, 2 * r);
                var (k1, n1) = BOf(lane, 2 * r + 1);
                uint expected = Bits(b[k0 * 8 + n0]) | (uint)Bits(b[k1 * 8 + n1]) << 16;
                Assert.True(expected == BitConverter.SingleToUInt32Bits(outB[lane * 2 + r]), $"lane {lane}, b{r}");
            }
        }
    }

    [NvrtcFact]
    public void The_probes_compile_for_sm80_and_sm90_to_the_instructions_they_model()
    {
        var probes = new (string Source, string Kernel, string[] Instructions)[]
        {
            (MemoryProbe, "mma_memory", ["mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32", "cvt.rn.f16x2.f32"]),
            (Tf32MemoryProbe, "mma_tf32_memory", ["mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32", "cvt.rna.tf32.f32"]),
            (LdmatrixProbe, "ldmatrix_probe", ["ldmatrix.sync.aligned.m8n8.x4.shared.b16", "ldmatrix.sync.aligned.m8n8.x2.trans.shared.b16"]),
        };
        foreach (var arch in new[] { "sm_80", "sm_90" })
            foreach (var (source, kernel, instructions) in probes)
            {
                var result = Nvrtc.Compile(TensorCoreHelpers.Source + source, arch, "probe.cu");
                foreach (var instruction in instructions) Assert.Contains(instruction, result.Ptx);
                var info = Assert.Single(result.Kernels, k => k.Kernel == kernel);
                Assert.Equal(0, info.SpillStoreBytes + info.SpillLoadBytes);
                Assert.NotEmpty(result.Cubin);
            }
    }
}
