using DnnC.Compiler.CodeGen;
using DnnC.Runtime.Plan;
using static DnnC.Compiler.Tests.CodeGen.TestPlans;

namespace DnnC.Compiler.Tests.CodeGen;

/// <summary>Names from models reach generated CUDA only as escaped comment text.</summary>
public sealed class NameEscapingTests
{
    private const string Evil = "evil*/ #include <x>\n";

    private static KernelPlan EvilPlan(string kernelName = "k0_conv")
    {
        var plans = new TestPlans();
        plans.Add(Conv(1, 4, 5, 5, 8, 3, 3, pad: 1), 2, layers: [Evil, "ok\u2028/*x"], name: kernelName);
        var plan = plans.Build(modelName: Evil);
        var renamed = plan.Values.Select(v => v with { Name = Evil + v.Id }).ToArray();
        return plan with { Values = [.. renamed] };
    }

    [Fact]
    public void LayerModelAndValueNamesAppearOnlyEscaped()
    {
        string source = CudaEmitter.Emit(EvilPlan());
        Assert.DoesNotContain("evil*/", source);
        Assert.DoesNotContain("#include", source.Replace("evil #include <x>", ""));
        Assert.DoesNotContain("\u2028", source);
        Assert.Contains("evil #include <x>", source);
        Assert.Equal(source.Split("/*").Length, source.Split("*/").Length);
    }

    [Theory]
    [InlineData("k0; } int x")]
    [InlineData("k0/**/")]
    [InlineData("1k")]
    [InlineData("")]
    public void InvalidKernelNamesAreRejected(string name)
    {
        var plan = EvilPlan(name);
        Assert.Throws<ArgumentException>(() => CudaEmitter.Emit(plan));
    }

    [NvrtcFact]
    public void EscapedSourceStillCompiles()
    {
        var result = DnnC.Runtime.Cuda.Nvrtc.Compile(CudaEmitter.Emit(EvilPlan()), "sm_80", "evil.cu");
        Assert.Single(result.Kernels, k => k.Kernel == "k0_conv");
    }
}
