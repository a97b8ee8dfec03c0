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
