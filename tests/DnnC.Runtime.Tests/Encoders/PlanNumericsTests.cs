using DnnC.Runtime.Plan;

namespace DnnC.Runtime.Tests.Encoders;

/// <summary>The plan contract's numerics: FP32 dense unless asked otherwise, compared by value, encodings only on conv/GEMM.</summary>
public sealed class PlanNumericsTests
{
    private static readonly LaunchConfig Launch = new(1, 1, 1, 32, 1, 1, 0);
    private static readonly GemmSpec Gemm = new(1, 4, 4, 4, 16, 0, true, false, [], [], new GemmTile(64, 64, 16, 4, 4));

    [Fact]
    public void A_kernel_without_numerics_is_fp32_dense_and_equals_one_that_says_so()
    {
        var plain = new PlanKernel("k0_gemm", Gemm, [0, 1, 2], ["fc"], Launch);
        Assert.Equal(PlanNumerics.Fp32Dense, plain.Numerics);
        Assert.True(plain.Numerics.IsFp32Dense);
        Assert.Equal(plain, new PlanKernel("k0_gemm", Gemm, [0, 1, 2], ["fc"], Launch, new PlanNumerics()));
    }

    [Fact]
    public void Kernels_differing_only_in_numerics_are_not_equal()
    {
        var plain = new PlanKernel("k0_gemm", Gemm, [0, 1, 2], ["fc"], Launch);
        var sparse = plain with { Numerics = new PlanNumerics(KernelPrecision.Fp16, WeightEncoding.Sparse24) };
        Assert.NotEqual(plain, sparse);
        Assert.Equal(sparse, plain with { Numerics = new PlanNumerics(KernelPrecision.Fp16, WeightEncoding.Sparse24) });
        Assert.Equal("FP16 storage, 2:4-compressed weights", sparse.Numerics.ToString());
    }

    [Fact]
    public void Only_conv_and_gemm_kernels_may_encode_weights()
    {
        var softmax = new SoftmaxSpec(1, 10, 1);
        var fp16 = new PlanKernel("k0_softmax", softmax, [0, 1], ["s"], Launch, new PlanNumerics(KernelPrecision.Fp16));
        Assert.Equal(KernelPrecision.Fp16, fp16.Numerics.Precision);
        Assert.Throws<ArgumentException>(() =>
            new PlanKernel("k0_softmax", softmax, [0, 1], ["s"], Launch, new PlanNumerics(Encoding: WeightEncoding.Ternary)));
        Assert.Throws<ArgumentException>(() => fp16 with { Numerics = new PlanNumerics(Encoding: WeightEncoding.Sparse24) });
    }
}
