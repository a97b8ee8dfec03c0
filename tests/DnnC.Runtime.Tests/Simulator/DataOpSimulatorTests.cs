using DnnC.Runtime.Encoders;
using DnnC.Compiler.Reference;
using DnnC.Runtime.Plan;
using DnnC.Simulator;
using DnnC.Simulator.Accelerator;
using DnnC.Tests.Shared;
using static DnnC.Runtime.Tests.Simulator.SimTestSupport;

namespace DnnC.Runtime.Tests.Simulator;

/// <summary>
/// The simulator on the data-movement and window ops (slice, gather, pad, expand, tile, resize,
/// conv_transpose, dilated pooling): the lowered plan against the float64 reference executor on
/// fresh random inputs, and the cycle model accounting for every kernel.
/// </summary>
public sealed class DataOpSimulatorTests
{
    public static TheoryData<string> CaseNames() => new(DataOpCases.All.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Data_op_case_matches_the_reference(string name)
    {
        var graph = DataOpCases.All[name]();
        var (optimized, plan) = Lower(graph);
        for (int trial = 0; trial < 2; trial++)
        {
            var inputs = DataOpCases.Inputs(graph, seed: name.Length * 131 + trial);
            var expected = ReferenceExecutor.Run(graph, inputs);
            var actual = PlanSimulator.Run(plan, WeightPacker.Pack(plan, optimized.Weights.Items), inputs);
            foreach (var output in graph.Outputs)
                AssertClose(expected[output.Name], actual[output.Name], rtol: 1e-4, atol: 1e-5, $"{name}.{output.Name} (trial {trial})");
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Data_op_case_is_modelled_kernel_by_kernel(string name)
    {
        var graph = DataOpCases.All[name]();
        var (optimized, plan) = Lower(graph);
        var result = PlanSimulator.Simulate(plan, WeightPacker.Pack(plan, optimized.Weights.Items), DataOpCases.Inputs(graph, seed: 1), AcceleratorPresets.Dlac);
        Assert.Equal(plan.Kernels.Count, result.Report.Layers.Count);
        foreach (var layer in result.Report.Layers)
        {
            Assert.True(layer.Macs > 0, $"{layer.Kernel}: no work counted");
            Assert.True(layer.ComputeCycles > 0, $"{layer.Kernel}: no cycles");
        }
    }

    /// <summary>
    /// A stride-2 conv_transpose is a GEMM on the array whose im2col holes are zero activations:
    /// counted by brute force over every (pixel, tap) here, independently of the census's separable count.
    /// </summary>
    [Fact]
    public void Conv_transpose_is_modelled_as_a_gemm_with_its_stride_holes_as_zero_activations()
    {
        var graph = DataOpCases.All["conv_transpose_stride2_outpad_bias"]();
        var (optimized, plan) = Lower(graph);
        var spec = Assert.IsType<ConvTransposeSpec>(Assert.Single(plan.Kernels).Spec);
        var layer = Assert.Single(PlanSimulator.Simulate(plan, WeightPacker.Pack(plan, optimized.Weights.Items), DataOpCases.Inputs(graph, 2), AcceleratorPresets.Dlac).Report.Layers);
        Assert.NotNull(layer.Gemm);
        Assert.Equal(spec.Macs, layer.Gemm!.Macs);
        long holes = 0;
        for (int oy = 0; oy < spec.Ho; oy++)
        for (int ox = 0; ox < spec.Wo; ox++)
        for (int r = 0; r < spec.R; r++)
        for (int t = 0; t < spec.S; t++)
        {
            int ty = oy + spec.PadTop - r * spec.DilationH, tx = ox + spec.PadLeft - t * spec.DilationW;
            bool reads = ty >= 0 && tx >= 0 && ty % spec.StrideH == 0 && tx % spec.StrideW == 0 && ty / spec.StrideH < spec.H && tx / spec.StrideW < spec.W;
            if (!reads) holes++;
        }
        Assert.Equal((long)spec.N * spec.K * (spec.C / spec.Groups) * holes, layer.ZeroActivationOnlyMacs);
        Assert.InRange((double)layer.ZeroActivationOnlyMacs / layer.Macs, 0.6, 0.9); // stride 2x2: about 3/4 holes
    }

    [Fact]
    public void A_gather_index_out_of_range_stops_the_simulation_with_its_value()
    {
        var graph = DataOpCases.All["gather_runtime_indices"]();
        var (optimized, plan) = Lower(graph);
        var inputs = DataOpCases.Inputs(graph, seed: 3);
        inputs["indices"].Data[4] = 9;
        var error = Assert.ThrowsAny<Exception>(() => PlanSimulator.Run(plan, WeightPacker.Pack(plan, optimized.Weights.Items), inputs));
        Assert.Contains("gather index 9", error.Message);
    }
}
