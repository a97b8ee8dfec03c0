using DnnC.Compiler.IR;
using DnnC.Compiler.Passes;
using DnnC.Compiler.Tests.TestSupport;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Tests.Passes;

public class ShiftAndCleanupTests
{
    private static Graph ShiftBlock(int seed, int pad = 0)
    {
        var rng = new Rng(seed);
        var g = new GraphBuilder("Shift");
        string x = g.Input("x", TensorType.F32(1, 9, 6, 7));
        string a = Graphs.Relu(g, "a", Graphs.Conv(g, rng, "a.conv2d", x, 18, 1));
        string s = g.Add("s", new ShiftOp(3), [a])!;
        g.Output("y", Graphs.Conv(g, rng, "y", s, 8, 1, pad: pad, bias: true));
        return g.Build();
    }

    [Fact]
    public void Shift_folds_into_the_following_1x1_conv_and_disappears()
    {
        var before = ShiftBlock(10);
        var after = new DeadCodeElimination().Run(PassHarness.Run(new FoldShiftIntoConv(), before), new PassContext());

        Assert.DoesNotContain(after.Nodes, n => n.Op is ShiftOp);
        var conv = after.Nodes.Single(n => n.Name == "y");
        Assert.Equal(3, ((Conv2dOp)conv.Op).InputShift);
        Assert.Equal("a", conv.Inputs[0]);
        PassHarness.AssertSameFunction(before, after, seed: 81);
    }

    [Fact]
    public void Shift_before_a_padded_conv_stays()
    {
        var before = ShiftBlock(11, pad: 1);
        var after = PassHarness.Run(new FoldShiftIntoConv(), before);
        Assert.Contains(after.Nodes, n => n.Op is ShiftOp);
    }

    [Fact]
    public void Dead_code_elimination_drops_unused_nodes_and_weights()
    {
        var rng = new Rng(12);
        var g = new GraphBuilder("M");
        string x = g.Input("x", TensorType.F32(1, 2, 3, 3));
        Graphs.Conv(g, rng, "unused", x, 2, 1);
        g.Output("y", Graphs.Relu(g, "y", x));
        var before = g.Build();

        var after = PassHarness.Run(new DeadCodeElimination(), before);

        Assert.Equal(["y"], after.Nodes.Select(n => n.Name));
        Assert.Empty(after.Weights.Items);
    }

    [Fact]
    public void Pass_manager_names_a_pass_that_breaks_the_IR()
    {
        var graph = Graphs.ResNetBlock();
        var manager = new PassManager([new BreakingPass()]);
        var failure = Assert.Throws<Diagnostics.CompilationFailedException>(() => manager.Run(graph, new PassContext()));
        Assert.Contains("after pass 'breaking'", failure.Diagnostics[0].Message);
    }

    private sealed class BreakingPass : IPass
    {
        public string Name => "breaking";
        public GraphFacts Requires => GraphFacts.None;
        public GraphFacts Establishes => GraphFacts.None;
        public Graph Run(Graph graph, PassContext context) => graph with { Nodes = graph.Nodes.Reverse().ToArray() };
    }
}
