using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Passes;
using DnnC.Compiler.Reference;
using DnnC.Compiler.Tests.TestSupport;
using DnnC.Runtime;
using DnnC.Runtime.Plan;
using DnnC.Runtime.Targets;

namespace DnnC.Compiler.Tests.Passes;

/// <summary>
/// The pass contract: established facts are checked against the graph after every pass, passes
/// say per layer what they decided and why, and the context carries options, target and calibration.
/// </summary>
public class PassContractTests
{
    /// <summary>A pass that claims a fact but leaves the graph as it is.</summary>
    private sealed class Claims(GraphFacts facts) : IPass
    {
        public string Name => "claims";
        public GraphFacts Requires => GraphFacts.None;
        public GraphFacts Establishes => facts;
        public Graph Run(Graph graph, PassContext context) => graph;
    }

    [Fact]
    public void A_pass_that_claims_no_batchnorm_but_leaves_one_is_named()
    {
        var failure = Assert.Throws<CompilationFailedException>(() =>
            new PassManager([new Claims(GraphFacts.NoBatchNorm)]).Run(Graphs.ResNetBlock(), new PassContext()));
        var error = Assert.Single(failure.Diagnostics, d => d.IsError);
        Assert.Contains("claims", error.Message);
        Assert.Contains("NoBatchNorm no longer holds: batchnorm 'a.batchnorm' remains", error.Message);
    }

    [Fact]
    public void The_real_passes_establish_what_they_claim()
    {
        var after = new PassManager(DefaultPipeline.Create()).Run(Graphs.ResNetBlock(), new PassContext());
        Assert.Null(GraphFactChecks.Violation(GraphFacts.NoBatchNorm, after));
    }

    [Fact]
    public void Each_batchnorm_gets_a_decision_and_a_reason()
    {
        // b's batchnorm follows a conv whose output is also used by the residual add: it cannot fold.
        var rng = new Rng(5);
        var g = new GraphBuilder("TwoUsers");
        string x = g.Input("x", TensorType.F32(1, 8, 6, 6));
        string a = Graphs.Conv(g, rng, "a.conv2d", x, 8, 3, pad: 1);
        string bn = Graphs.BatchNorm(g, rng, "a.batchnorm", a);
        string c = Graphs.BatchNorm(g, rng, "c.batchnorm", Graphs.Conv(g, rng, "c.conv2d", x, 8, 1));
        g.Output("y", g.Add("y", new BinaryOp(BinaryKind.Add), [g.Add("s", new BinaryOp(BinaryKind.Add), [bn, a])!, c])!);
        var context = new PassContext();
        new PassManager(DefaultPipeline.Create()).Run(g.Build(), context);

        var kept = Assert.Single(context.Layers, l => l.Layer == "a.batchnorm" && l.Pass == "fold-batchnorm");
        Assert.Equal(("kept", "'a.conv2d' has other users, which need its unfolded output"), (kept.Decision, kept.Reason));
        Assert.Contains(context.Layers, l => l.Layer == "a.batchnorm" && l.Decision == "rewritten");
        var folded = Assert.Single(context.Layers, l => l.Layer == "c.batchnorm" && l.Pass == "fold-batchnorm");
        Assert.Equal("folded", folded.Decision);
        Assert.Contains("into conv2d 'c.conv2d'", folded.Reason);
    }

    [Fact]
    public void The_context_carries_the_options_and_the_target_they_name()
    {
        var options = CompileOptions.Default with { Targets = EquatableArray.Create("sm_90") };
        var context = new PassContext(options);
        Assert.Equal(options, context.Options);
        Assert.Equal(GpuTarget.H100, context.Target);
        Assert.Equal(GpuTarget.A100, new PassContext().Target);   // the default targets start with sm_80
    }

    [Fact]
    public void Calibration_runs_the_reference_on_seeded_inputs_of_any_graph()
    {
        var graph = Graphs.ResNetBlock(seed: 9);
        var calibration = CalibrationSet.Seeded(graph, count: 3, seed: 40);
        Assert.Equal(3, calibration.Inputs.Count);
        Assert.NotEqual(calibration.Inputs[0]["x"].Data, calibration.Inputs[1]["x"].Data);
        Assert.Equal(CalibrationSet.Seeded(graph, 3, 40).Inputs[2]["x"].Data, calibration.Inputs[2]["x"].Data);
        var outputs = calibration.Reference(graph);
        for (int k = 0; k < 3; k++)
            Assert.Equal(ReferenceExecutor.Run(graph, calibration.Inputs[k])["y"].Data, outputs[k]["y"].Data);
    }

    [Fact]
    public void The_build_report_lists_every_layer_decision()
    {
        var result = BuildPipeline.Build(RepoFiles.Example("resnet_block"), new CompileOverrides(), new DiagnosticBag());
        Assert.Contains(result.Layers, l => l.Pass == "fold-batchnorm" && l.Decision == "folded");
        Assert.Contains(result.Layers, l => l.Pass == "fuse-epilogues" && l.Decision == "fused");
        using var json = System.Text.Json.JsonDocument.Parse(BuildReport.ToJson(result));
        var layers = json.RootElement.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(result.Layers.Count, layers.Count);
        Assert.All(layers, l => Assert.False(string.IsNullOrEmpty(l.GetProperty("reason").GetString())));
    }
}
