using DnnC.Compiler.IR;
using DnnC.Compiler.Passes;
using DnnC.Compiler.Tests.TestSupport;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Tests.Passes;

public class FoldBatchNormTests
{
    [Fact]
    public void Conv_then_batchnorm_becomes_one_conv_with_bias_named_after_the_batchnorm()
    {
        var rng = new Rng(3);
        var g = new GraphBuilder("M");
        string x = g.Input("x", TensorType.F32(1, 4, 6, 6));
        g.Output("y", Graphs.BatchNorm(g, rng, "bn", Graphs.Conv(g, rng, "conv", x, 5, 3, pad: 1)));
        var before = g.Build();

        var after = new DeadCodeElimination().Run(PassHarness.Run(new FoldBatchNorm(), before), new PassContext());

        Assert.Equal("""
            graph M(%x: f32[1, 4, 6, 6]) -> (y = %bn) {
              %bn.folded_weight = const {key=bn.folded_weight}() : f32[5, 4, 3, 3]
              %bn.folded_bias = const {key=bn.folded_bias}() : f32[5]
              %bn = conv2d {stride=[1,1], pad=[1,1,1,1], dilation=[1,1], groups=1}(%x, %bn.folded_weight, %bn.folded_bias) : f32[1, 5, 6, 6]  # layers: conv, bn
            }

            """.Replace("\r", ""), PassHarness.Ir(after));
        PassHarness.AssertSameFunction(before, after, seed: 11);
        PassHarness.AssertSameFunction(before, after, seed: 12);
    }

    [Fact]
    public void Dense_with_bias_then_batchnorm_folds_and_keeps_the_function()
    {
        var rng = new Rng(4);
        var g = new GraphBuilder("M");
        string x = g.Input("x", TensorType.F32(3, 7));
        string w = g.Constant("fc.weight", rng.Tensor(0.4f, 6, 7));
        string b = g.Constant("fc.bias", rng.Tensor(0.1f, 6));
        string fc = g.Add("fc", new DenseOp(true, []), [x, w, b])!;
        g.Output("y", Graphs.BatchNorm(g, rng, "bn", fc));
        var before = g.Build();

        var after = PassHarness.Run(new FoldBatchNorm(), before);

        Assert.DoesNotContain(after.Nodes, n => n.Op is BatchNormOp);
        PassHarness.AssertSameFunction(before, after, seed: 21);
    }

    [Fact]
    public void Folded_weights_are_computed_when_first_read_and_match_the_float64_formula()
    {
        var rng = new Rng(6);
        var weights = rng.Tensor(0.5f, 4, 3, 2, 2);
        var bias = rng.Tensor(0.2f, 4);
        var (gamma, beta, mean) = (rng.Tensor(1.5f, 4), rng.Tensor(0.3f, 4), rng.Tensor(0.3f, 4));
        var variance = rng.Positive(0.2f, 2f, 4);
        const float epsilon = 1e-3f;

        var (folded, foldedBias) = FoldBatchNorm.Fold(weights, bias, gamma, beta, mean, variance, epsilon);

        // A build needs only the shape; the values wait for the runtime or the simulator.
        Assert.False(folded.IsMaterialized);
        Assert.Equal(weights.Shape, folded.Shape);
        for (int k = 0; k < 4; k++)
        {
            double s = gamma.Data[k] / Math.Sqrt((double)variance.Data[k] + epsilon);
            Assert.Equal((float)((bias.Data[k] - mean.Data[k]) * s + beta.Data[k]), foldedBias.Data[k], 1e-6f);
            for (int i = 0; i < 12; i++)
                Assert.Equal((float)(weights.Data[k * 12 + i] * s), folded.Data[k * 12 + i]);
        }
    }

    [Fact]
    public void A_conv_read_by_two_nodes_is_left_alone()
    {
        var rng = new Rng(5);
        var g = new GraphBuilder("M");
        string x = g.Input("x", TensorType.F32(1, 3, 5, 5));
        string conv = Graphs.Conv(g, rng, "conv", x, 3, 1);
        string bn = Graphs.BatchNorm(g, rng, "bn", conv);
        g.Output("y", g.Add("y", new BinaryOp(BinaryKind.Add), [bn, conv])!);
        var before = g.Build();

        var after = PassHarness.Run(new FoldBatchNorm(), before);

        Assert.Equal(PassHarness.Ir(before), PassHarness.Ir(after));
    }
}
