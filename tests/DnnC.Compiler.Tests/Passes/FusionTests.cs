using DnnC.Compiler.IR;
using DnnC.Compiler.Passes;
using DnnC.Compiler.Tests.TestSupport;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Tests.Passes;

public class FusionTests
{
    [Fact]
    public void ResNet_block_fuses_into_two_convs_with_relu_and_add_relu_epilogues()
    {
        var before = Graphs.ResNetBlock();
        var (after, _) = Build.BuildPipeline.Optimize(before);

        var convs = after.Nodes.Where(n => n.Op is not ConstantOp).ToList();
        Assert.Equal(2, convs.Count);
        Assert.Equal("[relu]", Epilogue.Format(((Conv2dOp)convs[0].Op).Epilogue));
        Assert.Equal("[add(_, in3), relu]", Epilogue.Format(((Conv2dOp)convs[1].Op).Epilogue));
        Assert.Equal(["a.conv2d", "a.batchnorm", "a"], convs[0].Layers);
        Assert.Equal(["b.conv2d", "b", "y.add", "y"], convs[1].Layers);
        PassHarness.AssertSameFunction(before, after, seed: 31);
        PassHarness.AssertSameFunction(before, after, seed: 32);
    }

    [Fact]
    public void Residual_on_the_left_of_a_subtraction_keeps_operand_order()
    {
        var rng = new Rng(6);
        var g = new GraphBuilder("M");
        string x = g.Input("x", TensorType.F32(1, 4, 5, 5));
        string conv = Graphs.Conv(g, rng, "conv", x, 4, 3, pad: 1, bias: true);
        g.Output("y", g.Add("y", new BinaryOp(BinaryKind.Sub), [x, conv])!);
        var before = g.Build();

        var after = PassHarness.Run(new FuseEpilogues(), before);

        var fused = (Conv2dOp)after.Nodes.Single(n => n.Name == "y").Op;
        Assert.Equal("[sub(in3, _)]", Epilogue.Format(fused.Epilogue));
        PassHarness.AssertSameFunction(before, after, seed: 41);
    }

    [Fact]
    public void A_broadcast_that_enlarges_the_output_is_not_fused()
    {
        var rng = new Rng(7);
        var g = new GraphBuilder("M");
        string x = g.Input("x", TensorType.F32(1, 4, 1, 1));
        string big = g.Input("big", TensorType.F32(1, 4, 5, 5));
        string conv = Graphs.Conv(g, rng, "conv", x, 4, 1);
        g.Output("y", g.Add("y", new BinaryOp(BinaryKind.Mul), [conv, big])!);
        var before = g.Build();

        var after = PassHarness.Run(new FuseEpilogues(), before);

        Assert.Equal(PassHarness.Ir(before), PassHarness.Ir(after));
    }

    [Fact]
    public void Elementwise_chain_becomes_one_pointwise_node_with_operands_renumbered()
    {
        var rng = new Rng(8);
        var g = new GraphBuilder("M");
        string x = g.Input("x", TensorType.F32(2, 3, 4));
        string s = g.Input("s", TensorType.F32(3, 1));
        string t = g.Input("t", TensorType.F32(4));
        string a = g.Add("a", new BinaryOp(BinaryKind.Mul), [x, s])!;
        string b = g.Add("b", new ActivationOp(ActivationKind.Sigmoid), [a])!;
        string c = g.Add("c", new BinaryOp(BinaryKind.Div), [t, b])!;
        g.Output("y", g.Add("y", new ActivationOp(ActivationKind.LeakyRelu, 0.1f), [c])!);
        var before = g.Build();

        var after = PassHarness.Run(new FuseElementwiseChains(), before);

        var node = Assert.Single(after.Nodes);
        Assert.Equal(["x", "s", "t"], node.Inputs);
        Assert.Equal("[mul(_, in1), sigmoid, div(in2, _), leaky_relu(alpha=0.1)]", Epilogue.Format(((PointwiseOp)node.Op).Steps));
        PassHarness.AssertSameFunction(before, after, seed: 51);
        PassHarness.AssertSameFunction(before, after, seed: 52);
    }

    [Fact]
    public void A_value_read_twice_stays_a_chain_boundary()
    {
        var g = new GraphBuilder("M");
        string x = g.Input("x", TensorType.F32(8));
        string a = g.Add("a", new ActivationOp(ActivationKind.Tanh), [x])!;
        string b = g.Add("b", new ActivationOp(ActivationKind.Relu), [a])!;
        g.Output("y", g.Add("y", new BinaryOp(BinaryKind.Add), [a, b])!);
        var before = g.Build();

        var after = PassHarness.Run(new FuseElementwiseChains(), before);

        // relu and the add merge (a is the add's operand); tanh stays, since two nodes read it.
        Assert.Equal(2, after.Nodes.Count);
        PassHarness.AssertSameFunction(before, after, seed: 61);
    }

    [Fact]
    public void Standalone_batchnorm_becomes_a_scale_and_shift()
    {
        var rng = new Rng(9);
        var g = new GraphBuilder("M");
        string x = g.Input("x", TensorType.F32(2, 3, 4, 4));
        g.Output("y", Graphs.BatchNorm(g, rng, "bn", x));
        var before = g.Build();

        var after = PassHarness.Run(new BatchNormToAffine(), before);

        Assert.Equal("[mul(_, in1), add(_, in2)]", Epilogue.Format(((PointwiseOp)after.Nodes.Single(n => n.Name == "bn").Op).Steps));
        PassHarness.AssertSameFunction(before, after, seed: 71);
    }
}
