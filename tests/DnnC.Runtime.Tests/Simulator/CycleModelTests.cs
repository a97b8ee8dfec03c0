using DnnC.Runtime.Encoders;
using DnnC.Runtime.Plan;
using DnnC.Simulator;
using DnnC.Simulator.Accelerator;
using DnnC.Simulator.Model;
using static DnnC.Runtime.Tests.Simulator.SimTestSupport;

namespace DnnC.Runtime.Tests.Simulator;

/// <summary>
/// Cases small enough to work out on paper; every expected number is derived in the comments from the
/// formulas in runtime/DnnC.Simulator/README.md. The accelerator is a toy: 4×4 PEs × 2 lanes,
/// 100 MHz, 0.8 GB/s = 8 bytes/cycle of DRAM, FP32 words, ideal zero skipping, energy 1/2/100 pJ.
/// </summary>
public sealed class CycleModelTests
{
    private static readonly AcceleratorConfig Toy = new(
        "toy", PeRows: 4, PeCols: 4, LanesPerPe: 2, ClockMhz: 100, BytesPerElement: 4,
        WeightBufferBytes: 1 << 20, InputBufferBytes: 1 << 20, OutputBufferBytes: 1 << 20,
        DramBandwidthGBs: 0.8, new EnergyCosts(1, 2, 100), ZeroSkipEfficiency: 1);

    /// <summary>Runs a one-kernel model with the given weight (null: keep the seeded one) and input.</summary>
    private static LayerStats SimulateOne(string dsl, HostTensor input, AcceleratorConfig accelerator, HostTensor? weight = null)
    {
        var graph = Dsl(dsl);
        var (optimized, plan) = Lower(graph);
        Assert.Single(plan.Kernels);
        var weights = new Dictionary<string, HostTensor>(optimized.Weights.Items);
        if (weight is not null) weights[plan.Values.Single(v => v.Kind == ValueKind.Weight).WeightKey!] = weight;
        var result = PlanSimulator.Simulate(plan, WeightPacker.Pack(plan, weights), new Dictionary<string, HostTensor> { [graph.Inputs[0].Name] = input }, accelerator);
        return Assert.Single(result.Report.Layers);
    }

    [Fact]
    public void Pointwise_conv_cycles_traffic_and_energy_match_the_paper_derivation()
    {
        // 1×1 conv, 6 → 5 channels on 3×3: GEMM M = 5 (out channels), N = 9 (pixels), K = 6. MACs = 270.
        // Folds: ⌈5/4⌉ = 2 row folds × ⌈9/4⌉ = 3 column folds = 6; K steps ⌈6/2⌉ = 3.
        // Compute = one pipeline fill of 4 + 4 − 2 = 6 cycles + 6 folds × 3 steps = 24 (random data: no zeros).
        // Mapping efficiency = 270 / (6 × 16 PEs × 3 steps × 2 lanes) = 270/576.
        // Everything fits the buffers: DRAM reads 30 weights + 54 inputs, writes 45 outputs = 129 words
        // = 516 B → ⌈516/8⌉ = 65 cycles, so the array stalls 65 − 24 = 41 cycles.
        // Buffers: weights read once per column fold 30 × 3 = 90, filled 30; inputs read once per row fold
        // 54 × 2 = 108, filled 54; accumulators written and read once (one K block): 45 + 45.
        // Energy = 270 × 1 + (90 + 30 + 108 + 54 + 45 + 45) × 2 + 129 × 100 = 270 + 744 + 12900 = 13914 pJ.
        var x = Random([1, 6, 3, 3], new Random(1));
        var l = SimulateOne("model M(x: f32[1, 6, 3, 3]) -> (y) { y = x |> conv2d(5, kernel: 1, bias: false) }", x, Toy);

        Assert.Equal(new GemmShape(1, 5, 9, 6, 54, 30), l.Gemm);
        Assert.Equal(270, l.Macs);
        Assert.Equal(0, l.SkippedMacs);
        Assert.Equal(24, l.ComputeCycles);
        Assert.Equal(41, l.StallCycles);
        Assert.Equal(270.0 / 576, l.MappingEfficiency, 12);
        Assert.Equal(new Accesses(30, 0), l.WeightDram);
        Assert.Equal(new Accesses(54, 0), l.InputDram);
        Assert.Equal(new Accesses(0, 45), l.OutputDram);
        Assert.Equal(new Accesses(90, 30), l.WeightBuffer);
        Assert.Equal(new Accesses(108, 54), l.InputBuffer);
        Assert.Equal(new Accesses(45, 45), l.OutputBuffer);
        Assert.Equal(13914, l.EnergyPj, 6);
    }

    [Fact]
    public void Three_by_three_conv_with_known_sparsity_skips_exactly_the_zero_pairs()
    {
        // 3×3 conv, pad 1, 2 → 3 channels on 4×4: M = 3, N = 16, K = 2 × 9 = 18, MACs = 864.
        // Input channel 0 is all zeros, channel 1 has none. Output channel 0's filter is all zeros.
        // Per im2col row (c, r, s): zero activations zB = 16 for c = 0; for c = 1 the padded taps,
        // 16 − vr·vs with vr, vs ∈ {3, 4, 3}: Σ over the 9 taps = 9 × 16 − 10² = 44.
        // Zero weights per column zA = 1 (output channel 0).
        // Pairs with a zero activation: M × Σ zB = 3 × (144 + 44) = 564; with a zero weight:
        // N × Σ zA = 16 × 18 = 288; with both: Σ zA·zB = 188. So weight-only 100, activation-only 376,
        // both 188: 664 skipped, 200 issued (2 live filters × 100 in-image taps of channel 1).
        // Cycles: 1 row fold × 4 column folds; K steps ⌈18/2⌉ = 9. Fill 6; dense steps 4 × 9 = 36,
        // scaled by (1 − 664/864) = 200/864 → ⌈8.33⌉ = 9. Compute = 15.
        // DRAM: 54 weights + min(18 × 16, 2 × 4 × 4) = 32 inputs + 48 outputs = 134 words = 536 B → 67 cycles,
        // stall 67 − 15 = 52.
        var x = new HostTensor([1, 2, 4, 4], new float[32]);
        var rng = new Random(2);
        for (int i = 16; i < 32; i++) x.Data[i] = (float)(0.5 + rng.NextDouble());
        var w = Random([3, 2, 3, 3], new Random(3));
        for (int i = 0; i < 18; i++) w.Data[i] = 0;
        for (int i = 18; i < w.Length; i++) if (w.Data[i] == 0) w.Data[i] = 0.5f;
        var l = SimulateOne("model M(x: f32[1, 2, 4, 4]) -> (y) { y = x |> conv2d(3, kernel: 3, pad: 1, bias: false) }", x, Toy, w);

        Assert.Equal(864, l.Macs);
        Assert.Equal(100, l.ZeroWeightOnlyMacs);
        Assert.Equal(376, l.ZeroActivationOnlyMacs);
        Assert.Equal(188, l.ZeroBothMacs);
        Assert.Equal(664, l.SkippedMacs);
        Assert.Equal(200, l.IssuedMacs);
        Assert.Equal(15, l.ComputeCycles);
        Assert.Equal(52, l.StallCycles);
        Assert.Equal(new Accesses(32, 0), l.InputDram);
    }

    [Fact]
    public void Gemm_larger_than_the_buffers_re_reads_an_operand()
    {
        // Dense 16 → 12 on 8 rows of input: the array's rows take the 12 outputs (weight side),
        // its columns the 8 input rows: M = 12, N = 8, K = 16. Weights 192 words, inputs 128.
        // Buffers: 256 B = 64 words each for weights and inputs, 1 KiB of accumulators.
        // Kb = min(16, ⌊min(64/4 rows, 64/4 cols) / 2⌋ × 2) = 16 (full K);
        // Mb = ⌊64/16⌋ = 4 rows, Nb = ⌊64/16⌋ = 4 columns; 4 × 4 × 4 B = 64 B of accumulators fit.
        // So 3 row blocks × 2 column blocks × 1 K block.
        // Weights outer: weights once (full K stays resident) 192 + inputs once per row block 3 × 128 = 576.
        // Inputs outer: inputs once 128 + weights once per column block 2 × 192 = 512 → chosen.
        // Cycles: 3 × 2 = 6 folds, K steps 8: fill 6 + 48 = 54. DRAM 384 + 128 + 96 outputs = 608 words
        // = 2432 B → 304 cycles: stall 250.
        var small = Toy with { WeightBufferBytes = 256, InputBufferBytes = 256, OutputBufferBytes = 1024 };
        var x = Random([8, 16], new Random(4));
        var l = SimulateOne("model M(x: f32[8, 16]) -> (y) { y = x |> dense(12, bias: false) }", x, small);

        var tiling = Tiling.For(l.Gemm!, small);
        Assert.Equal((4L, 4L, 16L), (tiling.Mb, tiling.Nb, tiling.Kb));
        Assert.False(tiling.WeightsOuter);
        Assert.Equal(new Accesses(384, 0), l.WeightDram);
        Assert.Equal(new Accesses(128, 0), l.InputDram);
        Assert.Equal(new Accesses(0, 96), l.OutputDram);
        Assert.Equal(54, l.ComputeCycles);
        Assert.Equal(250, l.StallCycles);

        // With room for everything, each operand crosses DRAM exactly once.
        var roomy = SimulateOne("model M(x: f32[8, 16]) -> (y) { y = x |> dense(12, bias: false) }", x, Toy);
        Assert.Equal(192, roomy.WeightDram.Reads);
        Assert.Equal(128, roomy.InputDram.Reads);
    }
}
