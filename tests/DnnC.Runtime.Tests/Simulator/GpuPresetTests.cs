using DnnC.Runtime.Targets;
using DnnC.Simulator.Accelerator;

namespace DnnC.Runtime.Tests.Simulator;

/// <summary>The simulator's GPU presets come from the one GPU table, so they cannot disagree with the compiler's.</summary>
public class GpuPresetTests
{
    [Fact]
    public void Every_known_gpu_has_a_preset_with_its_sms_clock_and_bandwidth()
    {
        foreach (var gpu in GpuTarget.Known)
        {
            var preset = AcceleratorPresets.Find(gpu.Name);
            Assert.NotNull(preset);
            Assert.Equal(gpu.SmCount, preset.PeRows);
            Assert.Equal(gpu.ClockMhz, preset.ClockMhz);
            Assert.Equal(gpu.DramBandwidthGBs, preset.DramBandwidthGBs);
        }
        Assert.Equal(GpuTarget.Known.Count + 2, AcceleratorPresets.All.Count);   // and the two dLAC presets
    }

    [Fact]
    public void Every_known_gpu_has_its_clock_and_bandwidth()
    {
        Assert.All(GpuTarget.Known, g => Assert.True(g.ClockMhz > 0 && g.DramBandwidthGBs > 0, g.Name));
        Assert.All(GpuTarget.Known, g => Assert.Contains(g.Arch, GpuTarget.SupportedArchs));
    }
}

/// <summary>The cycle model counts an FP16 plan's tensor-core work at the preset's FP16 rate and its 2-byte traffic.</summary>
public class TensorCoreCycleTests
{
    private static DnnC.Simulator.Model.LayerStats ConvOn(string preset, DnnC.Runtime.Plan.PlanNumerics numerics)
    {
        var graph = SimTestSupport.Dsl("""
            model M(x: f32[1, 256, 28, 28]) -> (y) {
              weights seed 2
              y = x |> conv2d(128, kernel: 3, pad: 1)
            }
            """);
        var (optimized, plan) = SimTestSupport.Lower(graph);
        plan = plan with { Kernels = plan.Kernels.Select(k => k with { Numerics = numerics }).ToEquatableArray() };
        var result = DnnC.Simulator.PlanSimulator.Simulate(plan, DnnC.Runtime.Encoders.WeightPacker.Pack(plan, optimized.Weights.Items),
            SimTestSupport.RandomInputs(graph, 3), AcceleratorPresets.Find(preset)!);
        return Assert.Single(result.Report.Layers);
    }

    [Theory]
    [InlineData("h100", 8, 16)]
    [InlineData("a100", 8, 16)]
    [InlineData("dlac", 1, 2)]
    [InlineData("dlac-fp16", 1, 1)]
    public void Tensor_core_kernels_run_at_the_presets_tf32_and_fp16_rates(string preset, int tf32, int fp16)
    {
        var fp32 = ConvOn(preset, DnnC.Runtime.Plan.PlanNumerics.Fp32Dense);
        var onTf32 = ConvOn(preset, new(Math: DnnC.Runtime.Plan.MathMode.Tf32TensorCore));
        var onFp16 = ConvOn(preset, new(DnnC.Runtime.Plan.KernelPrecision.Fp16, Math: DnnC.Runtime.Plan.MathMode.Fp16TensorCore));
        // The same MACs, issued tf32 (fp16) times as fast, give that many times fewer lane steps (within the fixed fill).
        Assert.Equal(fp32.Macs, onFp16.Macs);
        Assert.InRange((double)fp32.ComputeCycles / onTf32.ComputeCycles, tf32 * 0.7, tf32 * 1.01);
        Assert.InRange((double)fp32.ComputeCycles / onFp16.ComputeCycles, fp16 * 0.7, fp16 * 1.01);
    }
}
