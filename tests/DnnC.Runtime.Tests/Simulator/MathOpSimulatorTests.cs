using DnnC.Runtime.Encoders;
using DnnC.Compiler.Reference;
using DnnC.Simulator;
using DnnC.TestCases;
using static DnnC.Runtime.Tests.Simulator.SimTestSupport;

namespace DnnC.Runtime.Tests.Simulator;

/// <summary>
/// The simulator's math, reduction and normalization executors against the float64 reference
/// executor, one case of <see cref="MathOpCases"/> at a time, on fresh random inputs.
/// </summary>
public sealed class MathOpSimulatorTests
{
    public static TheoryData<string> CaseNames() => new(MathOpCases.All.Select(c => c.Name));

    /// <summary>The spec types these cases lower to, for the every-template coverage check.</summary>
    public static IEnumerable<Type> CoveredSpecTypes() =>
        MathOpCases.All.SelectMany(c => Lower(MathOpCases.Graph([c])).Plan.Kernels.Select(k => k.Spec.GetType()));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Simulator_matches_the_reference(string name)
    {
        var c = MathOpCases.Get(name);
        var graph = MathOpCases.Graph([c]);
        var (optimized, plan) = Lower(graph);
        for (int trial = 0; trial < 2; trial++)
        {
            var inputs = MathOpCases.Inputs([c], seed: name.Length * 131 + trial);
            var expected = ReferenceExecutor.Run(graph, inputs);
            var actual = PlanSimulator.Run(plan, WeightPacker.Pack(plan, optimized.Weights.Items), inputs);
            AssertClose(expected[name], actual[name], rtol: 1e-4, atol: 1e-5, $"{name} (trial {trial})");
        }
    }

    [Fact]
    public void Fused_unary_steps_match_the_reference()
    {
        var graph = MathOpCases.FusedGraph(seed: 3);
        var (optimized, plan) = Lower(graph);
        // Dense + elu + softplus is one GEMM; relu, sqrt, add and exp one chain; max its own kernel.
        Assert.Equal(["gemm", "pointwise", "pointwise"], plan.Kernels.Select(k => k.Spec.Template));
        for (int trial = 0; trial < 2; trial++)
        {
            var inputs = RandomInputs(graph, seed: 70 + trial);
            var expected = ReferenceExecutor.Run(graph, inputs);
            var actual = PlanSimulator.Run(plan, WeightPacker.Pack(plan, optimized.Weights.Items), inputs);
            foreach (var output in graph.Outputs)
                AssertClose(expected[output.Name], actual[output.Name], rtol: 1e-4, atol: 1e-5, $"{output.Name} (trial {trial})");
        }
    }
}
