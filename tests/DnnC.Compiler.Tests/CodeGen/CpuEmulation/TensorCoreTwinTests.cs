using DnnC.Compiler.CodeGen;
using DnnC.Runtime.Cuda;
using DnnC.Runtime.Plan;
using DnnC.TestCases;

namespace DnnC.Compiler.Tests.CodeGen.CpuEmulation;

/// <summary>
/// The CPU twin of the tensor-core instructions (PTX.md §1-3), one instruction at a time, on fresh seeded fragments:
/// each probe of <see cref="TensorCoreProbes"/> (mma.sync m16n8k16 f16 and m16n8k8 tf32, from registers laid out as
/// CuTe gives them and from memory; ldmatrix x4 and x2.trans) run by the g++ twin and held to its expectations, and
/// the same probe sources compiled by NVRTC for sm_80 and sm_90 to the instructions they model. The GPU tests run the
/// same probes on the hardware (tests/DnnC.Gpu.Tests/TensorCoreProbeGpuTests.cs).
/// </summary>
public sealed class TensorCoreTwinTests
{
    public static TheoryData<int> Probes() => new(Enumerable.Range(0, TensorCoreProbes.All(0).Count));

    [Theory]
    [MemberData(nameof(Probes))]
    public void The_twin_meets_the_probe_s_expectations(int index)
    {
        if (!CpuKernelLibrary.CompilerAvailable(out _)) return;
        for (int trial = 0; trial < 2; trial++)
        {
            var probe = TensorCoreProbes.All(100 * trial + 7)[index];
            using var library = CpuKernelLibrary.Build(TensorCoreHelpers.Source + probe.Source);
            var buffers = probe.Buffers.Select(b => (float[])b.Clone()).ToArray();
            library.Run(probe.Launch, buffers);
            var errors = probe.Mismatches(buffers);
            Assert.True(errors.Count == 0, $"{probe.Name}, trial {trial}: {errors.Count} mismatches, first: {string.Join("; ", errors.Take(4))}");
            Assert.Equal(0, library.TwinErrors());   // no misuse: the lanes a selector does not read may hold anything
        }
    }

    [Fact]
    public void Invalid_sparsity_metadata_in_a_lane_the_selector_reads_is_a_twin_error()
    {
        if (!CpuKernelLibrary.CompilerAvailable(out _)) return;
        // Selector 0 reads lanes 4g and 4g + 1; give them 0, whose nibbles name one index twice (undefined on the GPU).
        var probe = TensorCoreProbes.MmaSparse(3);
        string source = probe.Source.Replace("dnnc_mma_sp_m16n8k32<0>(d, a, b, c, f == 0 ? word : 0u);", "dnnc_mma_sp_m16n8k32<0>(d, a, b, c, 0u);");
        Assert.NotEqual(probe.Source, source);
        using var library = CpuKernelLibrary.Build(TensorCoreHelpers.Source + source);
        library.Run(probe.Launch, probe.Buffers.Select(b => (float[])b.Clone()).ToArray());
        Assert.True(library.TwinErrors() > 0);
    }

    [NvrtcFact]
    public void The_probes_compile_for_sm80_and_sm90_to_the_instructions_they_model()
    {
        var instructions = new Dictionary<string, string[]>
        {
            ["mma_registers"] = ["mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32"],
            ["mma_memory"] = ["mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32", "cvt.rn.f16x2.f32"],
            ["mma_tf32_registers"] = ["mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32"],
            ["mma_tf32_memory"] = ["mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32", "cvt.rna.tf32.f32"],
            ["ldmatrix_probe"] = ["ldmatrix.sync.aligned.m8n8.x4.shared.b16", "ldmatrix.sync.aligned.m8n8.x2.trans.shared.b16"],
            ["cp_async_probe"] = ["cp.async.cg.shared.global", "cp.async.commit_group", "cp.async.wait_group 0"],
            ["ldmatrix_variants"] = ["ldmatrix.sync.aligned.m8n8.x1.shared.b16", "ldmatrix.sync.aligned.m8n8.x2.shared.b16",
                "ldmatrix.sync.aligned.m8n8.x4.shared.b16", "ldmatrix.sync.aligned.m8n8.x1.trans.shared.b16",
                "ldmatrix.sync.aligned.m8n8.x2.trans.shared.b16", "ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16"],
            ["mma_sp_probe"] = ["mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32"],
        };
        foreach (var arch in new[] { "sm_80", "sm_90" })
            foreach (var probe in TensorCoreProbes.All(1))
            {
                var result = Nvrtc.Compile(TensorCoreHelpers.Source + probe.Source, arch, "probe.cu");
                foreach (var instruction in instructions[probe.Kernel]) Assert.Contains(instruction, result.Ptx);
                var info = Assert.Single(result.Kernels, k => k.Kernel == probe.Kernel);
                Assert.Equal(0, info.SpillStoreBytes + info.SpillLoadBytes);
                Assert.NotEmpty(result.Cubin);
            }
    }

    [Fact]
    public void A_read_of_cp_async_data_without_its_wait_sees_the_old_bytes_in_the_twin()
    {
        if (!CpuKernelLibrary.CompilerAvailable(out _)) return;
        // Without the wait the copy has not landed when the warp reads (the twin writes at the covering wait, the latest
        // moment the hardware may): the staging buffer still holds its zeros, and the probe's expectations fail.
        var probe = TensorCoreProbes.CpAsync(11, wait: "/* no wait */");
        using var library = CpuKernelLibrary.Build(TensorCoreHelpers.Source + probe.Source);
        var buffers = probe.Buffers.Select(b => (float[])b.Clone()).ToArray();
        library.Run(probe.Launch, buffers);
        Assert.All(buffers[0], v => Assert.Equal(0u, BitConverter.SingleToUInt32Bits(v)));
        Assert.NotEmpty(probe.Mismatches(buffers));
        Assert.Equal(0, library.TwinErrors());
    }

    [Fact]
    public void Groups_complete_in_commit_order_and_a_misaligned_copy_is_an_error()
    {
        if (!CpuKernelLibrary.CompilerAvailable(out _)) return;
        const string kernel = """
            extern "C" __global__ void __launch_bounds__(32, 1) cp_async_groups(float* __restrict__ out, const float* __restrict__ src)
            {
                __shared__ __attribute__((aligned(16))) float staged[32 * 8];
                unsigned lane = dnnc_lane_id();
                dnnc_cp_async_16(staged + lane * 8, src + lane * 8, 16);          /* group 0 */
                dnnc_cp_async_commit();
                dnnc_cp_async_16(staged + lane * 8 + 4, src + lane * 8 + 4, 16);  /* group 1 */
                dnnc_cp_async_commit();
                dnnc_cp_async_wait<1>();                                            /* group 0 is complete, group 1 may not be */
                out[lane * 3 + 0] = staged[lane * 8];
                dnnc_cp_async_wait<0>();
                out[lane * 3 + 1] = staged[lane * 8 + 4];
                dnnc_cp_async_16(staged + lane * 8 + 1, src, 16);                 /* misaligned: 4 bytes off */
                dnnc_cp_async_commit();
                dnnc_cp_async_wait<0>();
                out[lane * 3 + 2] = staged[lane * 8 + 1];
            }
            """;
        using var library = CpuKernelLibrary.Build(TensorCoreHelpers.Source + kernel);
        var src = Enumerable.Range(0, 256).Select(i => (float)(i + 1)).ToArray();
        var output = new float[96];
        library.Run(new PlanKernel("cp_async_groups", new SoftmaxSpec(1, 1, 1), [0, 1], [], new LaunchConfig(1, 1, 1, 32, 1, 1, 0)), [output, src]);
        for (int lane = 0; lane < 32; lane++)
        {
            Assert.Equal(lane * 8 + 1, output[lane * 3]);       // group 0, after wait_group 1
            Assert.Equal(lane * 8 + 5, output[lane * 3 + 1]);   // group 1, after wait_group 0
            Assert.Equal(lane * 8 + 2, output[lane * 3 + 2]);   // the misaligned copy wrote nothing: group 0's value is still there
        }
        Assert.Equal(32, library.TwinErrors());
    }

    [Fact]
    public void A_twin_with_a_wrong_fragment_map_is_caught()
    {
        // The probes can fail: the f16 register probe's expectations, given D registers from a product with A's row
        // blocks swapped, report mismatches.
        var probe = TensorCoreProbes.MmaF16Registers(3);
        var wrong = new float[128];
        Assert.NotEmpty(probe.Mismatches([wrong, .. probe.Buffers.Skip(1)]));
    }
}
