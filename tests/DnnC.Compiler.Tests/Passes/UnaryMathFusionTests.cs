using DnnC.Compiler.IR;
using DnnC.Compiler.Passes;
using DnnC.Compiler.Tests.TestSupport;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Tests.Passes;

/// <summary>Unary math fuses like an activation; binary math and where stay their own nodes.</summary>
public class UnaryMathFusionTests
{
    [Fact]
    public void Unary_math_joins_a_conv_epilogue()
    {
        var rng = new Rng(12);
        var g = new GraphBuilder("M");
        string x = g.Input("x", TensorType.F32(1, 4, 6, 6));
        string conv = Graphs.Conv(g, rng, "conv", x, 5, 3, pad: 1, bias: true);
        string selu = g.Add("selu", new UnaryMathOp(UnaryKind.Selu, 1.67f, 1.05f), [conv])!;
        g.Output("y", g.Add("sin", new UnaryMathOp(UnaryKind.Sin), [selu])!);
        var before = g.Build();

        var after = PassHarness.Run(new FuseEpilogues(), before);

        var fused = (Conv2dOp)after.Nodes.Single(n => n.Op is Conv2dOp).Op;
        Assert.Equal("[selu(alpha=1.67, gamma=1.05), sin]", Epilogue.Format(fused.Epilogue));
        PassHarness.AssertSameFunction(before, after, seed: 13);
    }

    [Fact]
    public void Unary_math_merges_into_chains_but_binary_math_and_where_do_not()
    {
        var g = new GraphBuilder("M");
        string u = g.Input("u", TensorType.F32(3, 8));
        string v = g.Input("v", TensorType.F32(8));
        string abs = g.Add("abs", new UnaryMathOp(UnaryKind.Abs), [u])!;
        string sqrt = g.Add("sqrt", new UnaryMathOp(UnaryKind.Sqrt), [abs])!;
        string mul = g.Add("mul", new BinaryOp(BinaryKind.Mul), [sqrt, v])!;
        string pow = g.Add("pow", new MathBinaryOp(MathBinaryKind.Max), [mul, v])!;
        string where = g.Add("where", new WhereOp(), [u, pow, v])!;
        g.Output("y", g.Add("tanh", new ActivationOp(ActivationKind.Tanh), [where])!);
        var before = g.Build();

        var after = PassHarness.Run(new FuseElementwiseChains(), before);

        var chain = (PointwiseOp)after.Nodes.Single(n => n.Op is PointwiseOp p && p.Steps.Count == 3).Op;
        Assert.Equal("[abs, sqrt, mul(_, in1)]", Epilogue.Format(chain.Steps));
        Assert.Single(after.Nodes, n => n.Op is MathBinaryOp);
        Assert.Single(after.Nodes, n => n.Op is WhereOp);
        PassHarness.AssertSameFunction(before, after, seed: 14);
    }
}
