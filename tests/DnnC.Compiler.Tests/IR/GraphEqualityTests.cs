using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Passes;
using DnnC.Compiler.Tests.TestSupport;
using DnnC.Compiler.Text;

namespace DnnC.Compiler.Tests.IR;

/// <summary>Graphs compare structurally, weights by value; locations compare for real.</summary>
public class GraphEqualityTests
{
    [Fact]
    public void Graphs_built_alike_are_equal_and_a_different_weight_makes_them_differ()
    {
        Assert.Equal(Graphs.ResNetBlock(seed: 4), Graphs.ResNetBlock(seed: 4));
        // Same structure, other weight values.
        Assert.NotEqual(Graphs.ResNetBlock(seed: 4), Graphs.ResNetBlock(seed: 5));
    }

    [Fact]
    public void A_weight_editing_pass_compares_by_the_weights_it_writes()
    {
        var folded = PassHarness.Run(new FoldBatchNorm(), Graphs.ResNetBlock(seed: 6));
        var again = PassHarness.Run(new FoldBatchNorm(), Graphs.ResNetBlock(seed: 6));
        Assert.NotSame(folded.Weights, again.Weights);
        Assert.Equal(folded, again);
        Assert.NotEqual(Graphs.ResNetBlock(seed: 6), folded);
    }

    [Fact]
    public void The_same_diagnostic_at_two_places_is_two_diagnostics()
    {
        var text = new SourceText("m.dnn", "a = q\nb = q\n");
        var first = new SourceLocation(text, new TextSpan(4, 1));
        var second = new SourceLocation(text, new TextSpan(10, 1));
        var bag = new DiagnosticBag();
        bag.Add(Diag.UndefinedName(first, "q", null));
        bag.Add(Diag.UndefinedName(second, "q", null));
        bag.Add(Diag.UndefinedName(new SourceLocation(text, new TextSpan(4, 1)), "q", null));   // the first again
        Assert.Equal(2, bag.Items.Count);
        Assert.NotEqual(first, second);
    }
}
