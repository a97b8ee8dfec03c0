using DnnC.Runtime.Encoders;
using DnnC.Runtime.Plan;
using DnnC.Simulator;
using DnnC.Simulator.Accelerator;
using static DnnC.Runtime.Tests.Simulator.SimTestSupport;

namespace DnnC.Runtime.Tests.Simulator;

/// <summary>The dlac preset reproduces the two figures REFERENCE.md §4 gives for the dLAC core.</summary>
public sealed class CalibrationTests
{
    private const string Gemm = "model M(x: f32[64, 2000]) -> (y) { y = x |> dense(320, bias: false) }";

    /// <summary>
    /// A dense layer whose data leaves exactly 16% of operand pairs non-zero: input columns k with
    /// k mod 5 ≥ 2 are zero (40% live), weight rows n with n mod 5 ≥ 2 are zero (40% live), so 0.4 × 0.4.
    /// </summary>
    private static SimulationReport Run(AcceleratorConfig accelerator, bool sparse)
    {
        var graph = Dsl(Gemm);
        var (optimized, plan) = Lower(graph);
        var x = Random([64, 2000], new Random(5));
        var w = Random([320, 2000], new Random(6));
        // Zeros exactly where the pattern puts them, and nowhere else (a random draw of 0 becomes 0.25).
        for (int i = 0; i < x.Length; i++) x.Data[i] = sparse && i % 2000 % 5 >= 2 ? 0 : NonZero(x.Data[i]);
        for (int i = 0; i < w.Length; i++) w.Data[i] = sparse && i / 2000 % 5 >= 2 ? 0 : NonZero(w.Data[i]);
        var weights = new Dictionary<string, HostTensor> { [plan.Values.Single(v => v.Kind == ValueKind.Weight).WeightKey!] = w };
        return PlanSimulator.Simulate(plan, WeightPacker.Pack(plan, weights), new Dictionary<string, HostTensor> { ["x"] = x }, accelerator).Report;
    }

    private static float NonZero(float v) => v == 0 ? 0.25f : v;

    [Fact]
    public void Dlac_peak_is_5K_equivalent_flop_per_cycle_at_500_MHz()
    {
        var dlac = AcceleratorPresets.Dlac;
        Assert.Equal(500, dlac.ClockMhz);
        Assert.InRange(dlac.PeakFlopsPerCycle, 4750, 5250);
        // A large dense GEMM computes close to the peak (only the pipeline fill and the padding of the
        // last K step are lost); this one is also DRAM-bound, which shows as stall cycles, not here.
        var dense = Assert.Single(Run(dlac, sparse: false).Layers);
        Assert.Equal(0, dense.SkippedMacs);
        double computeFlopsPerCycle = 2.0 * dense.Macs / dense.ComputeCycles;
        Assert.InRange(computeFlopsPerCycle, 0.95 * dlac.PeakFlopsPerCycle, dlac.PeakFlopsPerCycle);
        Assert.True(dense.StallCycles > 0);
    }

    [Fact]
    public void Dlac_skipping_gives_3_to_6x_fewer_cycles_when_16_percent_of_pairs_are_non_zero()
    {
        var sparse = Run(AcceleratorPresets.Dlac, sparse: true);
        var layer = Assert.Single(sparse.Layers);
        Assert.Equal(0.16, (double)layer.IssuedMacs / layer.Macs, 12);
        Assert.Equal(0.36, (double)layer.ZeroBothMacs / layer.Macs, 12);
        Assert.Equal(0.24, (double)layer.ZeroWeightOnlyMacs / layer.Macs, 12);
        Assert.Equal(0.24, (double)layer.ZeroActivationOnlyMacs / layer.Macs, 12);

        var noSkipping = Run(AcceleratorPresets.Dlac with { ZeroSkipEfficiency = 0 }, sparse: true);
        double speedup = (double)Assert.Single(noSkipping.Layers).ComputeCycles / layer.ComputeCycles;
        Assert.InRange(speedup, 3, 6);
    }
}
