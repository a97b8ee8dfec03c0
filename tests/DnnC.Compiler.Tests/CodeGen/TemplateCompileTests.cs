using DnnC.Compiler.CodeGen;
using DnnC.Runtime.Cuda;
using DnnC.Runtime.Plan;
using Xunit.Abstractions;

namespace DnnC.Compiler.Tests.CodeGen;

/// <summary>
/// Every template, over the representative specs, compiles with NVRTC for sm_80 and sm_90, and
/// ptxas reports each kernel with no spills. All kernels go into one source per arch because
/// each NVRTC invocation costs about a second.
/// </summary>
public sealed class TemplateCompileTests(ITestOutputHelper output)
{
    [NvrtcFact]
    public void AllTemplatesCompileForSm80WithoutSpills() => CompileAll("sm_80");

    [NvrtcFact]
    public void AllTemplatesCompileForSm90WithoutSpills() => CompileAll("sm_90");

    [Fact]
    public void RepresentativeSetCoversEveryTemplate()
    {
        var templates = RepresentativeKernels.Build().Kernels.Select(k => k.Spec.Template).ToHashSet();
        string[] expected =
        [
            "implicit_gemm_conv", "depthwise_conv", "gemm", "pool", "global_pool", "pointwise",
            "softmax", "transpose", "concat", "shift",
        ];
        Assert.Empty(expected.Except(templates));
    }

    private void CompileAll(string arch)
    {
        var plans = RepresentativeKernels.Build();
        string source = CudaEmitter.Emit(plans.Build());
        var result = Nvrtc.Compile(source, arch, "representative.cu");

        Assert.NotEmpty(result.Cubin);
        foreach (var kernel in plans.Kernels)
        {
            var info = Assert.Single(result.Kernels, k => k.Kernel == kernel.Function);
            output.WriteLine($"{info.Kernel}: {info.Registers} regs, {info.SharedBytes} B smem, " +
                             $"spills {info.SpillStoreBytes}/{info.SpillLoadBytes}, stack {info.StackBytes}");
            Assert.Equal(arch, info.Arch);
            Assert.True(info.Registers > 0, $"{info.Kernel}: ptxas reported no registers");
            Assert.Equal(0, info.SpillStoreBytes);
            Assert.Equal(0, info.SpillLoadBytes);
            Assert.True(info.SharedBytes <= 48 * 1024, $"{info.Kernel}: {info.SharedBytes} bytes of static shared memory");
            Assert.True(kernel.Launch.ThreadsPerBlock <= 1024);
        }
    }
}
