using DnnC.Compiler.CodeGen;
using DnnC.Compiler.Diagnostics;
using DnnC.Runtime;
using DnnC.Runtime.Plan;
using static DnnC.Compiler.Tests.CodeGen.TestPlans;

namespace DnnC.Compiler.Tests.CodeGen;

/// <summary>The CUDA templates emit FP32 dense kernels only; any other numerics is refused, never emitted as dense code.</summary>
public sealed class NumericsRefusalTests
{
    private static KernelPlan TwoConvs()
    {
        var plans = new TestPlans();
        plans.Add(Conv(1, 4, 5, 5, 8, 3, 3, pad: 1), 2, layers: ["a.conv2d"]);
        plans.Add(Conv(1, 4, 5, 5, 8, 3, 3, pad: 1), 2, layers: ["b.conv2d"]);
        return plans.Build();
    }

    [Fact]
    public void Fp32_dense_plans_still_emit()
    {
        var plan = TwoConvs();
        Assert.All(plan.Kernels, k => Assert.True(k.Numerics.IsFp32Dense));
        Assert.Contains("__global__", CudaEmitter.Emit(plan));
    }

    [Fact]
    public void Fp16_storage_kernels_emit_with_half_arguments()
    {
        var plan = TwoConvs();
        var fp16 = new PlanNumerics(KernelPrecision.Fp16);
        plan = plan with
        {
            Kernels = plan.Kernels.Select(k => k with { Numerics = fp16 }).ToEquatableArray(),
            Values = plan.Values.Select(v => v.Kind == ValueKind.Input ? v : v with { Format = DnnC.Runtime.Numerics.ElementFormat.Float16 }).ToEquatableArray(),
        };
        string cuda = CudaEmitter.Emit(plan);
        Assert.Contains("dnnc_h* __restrict__ out", cuda);
        Assert.Contains("const dnnc_h* __restrict__ in1", cuda);   // the FP16 filters
    }

    [Theory]
    [InlineData(KernelPrecision.Fp32, WeightEncoding.Sparse24, "FP32, 2:4-compressed weights")]
    [InlineData(KernelPrecision.Fp32, WeightEncoding.Ternary, "FP32, ternary weights")]
    public void Every_kernel_with_other_numerics_gets_its_own_DNN5010(KernelPrecision precision, WeightEncoding encoding, string words)
    {
        var plan = TwoConvs();
        var numerics = new PlanNumerics(precision, encoding);
        plan = plan with { Kernels = plan.Kernels.Select(k => k with { Numerics = numerics }).ToEquatableArray() };

        var e = Assert.Throws<CompilationFailedException>(() => CudaEmitter.Emit(plan));
        Assert.Equal(2, e.Diagnostics.Count);
        Assert.All(e.Diagnostics, d => Assert.Equal("DNN5010", d.Code));
        Assert.Contains(words, e.Diagnostics[0].Message);
        Assert.Contains("a.conv2d", e.Diagnostics[0].Message);
        Assert.Contains("b.conv2d", e.Diagnostics[1].Message);
    }
}
