using DnnC.Runtime.Plan;
using DnnC.Runtime.Cuda;

namespace DnnC.Runtime.Tests.Cuda;

/// <summary>What CudaModel.Load decides before it touches a GPU: the image to load and whether the model fits.</summary>
public class CudaLoadChecksTests
{
    private static readonly byte[] Sm80 = [0x7F, (byte)'E', (byte)'L', (byte)'F', 80];
    private static readonly byte[] Sm90 = [0x7F, (byte)'E', (byte)'L', (byte)'F', 90];

    [Fact]
    public void The_cubin_for_the_device_architecture_wins_over_ptx()
    {
        var image = CudaLoadChecks.SelectImage("sm_90", new Dictionary<string, byte[]> { ["sm_80"] = Sm80, ["sm_90"] = Sm90 }, ".version 8.0", "sm_90");
        Assert.False(image.IsPtx);
        Assert.Same(Sm90, image.Bytes);
    }

    [Fact]
    public void A_newer_gpu_gets_the_ptx_nul_terminated_for_the_driver_to_jit()
    {
        const string ptx = ".version 7.8\n.target sm_90\n";
        var image = CudaLoadChecks.SelectImage("sm_100", new Dictionary<string, byte[]> { ["sm_90"] = Sm90 }, ptx, "sm_90");
        Assert.True(image.IsPtx);
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(ptx + "\0"), image.Bytes);
        Assert.Contains("sm_100", image.Description);
    }

    [Fact]
    public void Without_a_matching_cubin_or_ptx_the_error_says_what_to_rebuild()
    {
        var e = Assert.Throws<CudaLoadException>(() =>
            CudaLoadChecks.SelectImage("sm_89", new Dictionary<string, byte[]> { ["sm_80"] = Sm80, ["sm_90"] = Sm90 }, null));
        Assert.Contains("sm_80, sm_90", e.Message);
        Assert.Contains("--target sm_89", e.Message);
    }

    [Fact]
    public void Ptx_for_a_newer_architecture_than_the_gpu_is_refused()
    {
        var e = Assert.Throws<CudaLoadException>(() =>
            CudaLoadChecks.SelectImage("sm_80", new Dictionary<string, byte[]> { ["sm_90"] = Sm90 }, ".version 8.0", "sm_90"));
        Assert.Contains("older", e.Message);
    }

    [Theory]
    [InlineData("sm_80", 80)]
    [InlineData("sm_90a", 90)]
    [InlineData("compute_86", 86)]
    [InlineData("sm_120", 120)]
    [InlineData("gpu", 0)]
    public void Architecture_numbers(string arch, int expected) => Assert.Equal(expected, CudaLoadChecks.ArchNumber(arch));

    [Fact]
    public void A_model_that_does_not_fit_in_free_memory_is_refused_with_the_numbers()
    {
        const long mib = 1024 * 1024;
        CudaLoadChecks.CheckFits(300 * mib, 100 * mib, 400 * mib, "GPU"); // exactly fits
        var e = Assert.Throws<CudaLoadException>(() => CudaLoadChecks.CheckFits(300 * mib, 101 * mib, 400 * mib, "NVIDIA Test"));
        Assert.Contains("401.0 MiB", e.Message);
        Assert.Contains("arena 300.0 MiB", e.Message);
        Assert.Contains("weights 101.0 MiB", e.Message);
        Assert.Contains("NVIDIA Test has only 400.0 MiB free", e.Message);
    }

    [Fact]
    public void Timing_statistics_match_an_independent_computation()
    {
        var random = new Random(11);
        foreach (int n in new[] { 1, 2, 7, 50 })
        {
            var samples = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 10).ToArray();
            var t = CudaTiming.FromSamples(3, samples);
            var sorted = samples.OrderBy(x => x).ToArray();
            int below = samples.Count(x => x < t.MedianMs), above = samples.Count(x => x > t.MedianMs);
            Assert.True(below <= n / 2 && above <= n / 2, $"n={n}: {below} below and {above} above the median {t.MedianMs}");
            Assert.Equal(sorted[0], t.MinMs);
            Assert.Equal(sorted[^1], t.MaxMs);
            Assert.Equal(samples.Sum() / n, t.MeanMs, 12);
            Assert.Equal((3, n), (t.Warmup, t.Iterations));
        }
    }
}

/// <summary>What the CUDA runtime can read: float32 and FP16 values, dense and 2:4 weights; ternary ones are refused up front.</summary>
public class CudaStorageCheckTests
{
    private static KernelPlan PlanWith(params PlanValue[] values) =>
        new(KernelPlan.CurrentFormatVersion, "m", values.ToEquatableArray(), EquatableArray<PlanKernel>.Empty,
            EquatableArray<int>.Empty, EquatableArray<PlanOutput>.Empty, 0, 0);

    [Fact]
    public void Fp16_values_and_dense_or_2_4_weights_load_and_ternary_weights_are_refused()
    {
        var fp16 = new PlanValue(0, "a", ValueKind.Activation, [1, 8], Format: Runtime.Numerics.ElementFormat.Float16);
        var rows = new PlanValue(1, "w", ValueKind.Weight, [8, 16], Format: Runtime.Numerics.ElementFormat.Float16, Encoded: new(WeightEncoding.Dense, 8, 16));
        var sparse = new PlanValue(2, "s", ValueKind.Weight, [8, 16], Format: Runtime.Numerics.ElementFormat.Float16, Encoded: new(WeightEncoding.Sparse24, 8, 16));
        CudaLoadChecks.CheckSupportedStorage(PlanWith(fp16, rows, sparse));
        var ternary = new PlanValue(3, "t", ValueKind.Weight, [8, 16], Encoded: new(WeightEncoding.Ternary, 8, 16));
        var e = Assert.Throws<CudaLoadException>(() => CudaLoadChecks.CheckSupportedStorage(PlanWith(fp16, ternary)));
        Assert.Contains("'t'", e.Message);
        Assert.Contains("--backend sim", e.Message);
    }
}
