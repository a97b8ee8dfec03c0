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
            var actual = PlanSimulator.Run(plan, optimized.Weights.Items, inputs);
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
        var result = PlanSimulator.Simulate(plan, optimized.Weights.Items, DataOpCases.Inputs(graph, seed: 1), AcceleratorPresets.Dlac);
        Assert.Equal(plan.Kernels.Count, result.Report.Layers.Count);
        foreach (var layer in result.Report.Layers)
        {
            Assert.True(layer.Macs > 0, $"{layer.Kernel}: no work counted");
            Assert.True(layer.ComputeCycles > 0, $"{layer.Kernel}: no cycles");
        }
    }

    [Fact]
    public void A_gather_index_out_of_range_stops_the_simulation_with_its_value()
    {
        var graph = DataOpCases.All["gather_runtime_indices"]();
        var (optimized, plan) = Lower(graph);
        var inputs = DataOpCases.Inputs(graph, seed: 3);
        inputs["indices"].Data[4] = 9;
        var error = Assert.ThrowsAny<Exception>(() => PlanSimulator.Run(plan, optimized.Weights.Items, inputs));
        Assert.Contains("gather index 9", error.Message);
    }
}
