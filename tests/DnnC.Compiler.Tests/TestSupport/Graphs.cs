using DnnC.Compiler.IR;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Tests.TestSupport;

/// <summary>Small graphs built in code, with seeded random weights, for pass and lowering tests.</summary>
public static class Graphs
{
    public static string Conv(GraphBuilder g, Rng rng, string name, string x, int outChannels, int kernel, int pad = 0, int stride = 1, int groups = 1, bool bias = false)
    {
        int inChannels = g.TypeOf(x)!.Shape[1];
        string w = g.Constant(name + ".weight", rng.Tensor(0.3f, outChannels, inChannels / groups, kernel, kernel));
        var inputs = new List<string> { x, w };
        if (bias) inputs.Add(g.Constant(name + ".bias", rng.Tensor(0.1f, outChannels)));
        return g.Add(name, Conv2dOp.Create(stride, pad, 1, groups, bias), inputs)!;
    }

    public static string BatchNorm(GraphBuilder g, Rng rng, string name, string x)
    {
        int c = g.TypeOf(x)!.Shape[1];
        string gamma = g.Constant(name + ".weight", rng.Positive(0.5f, 1.5f, c));
        string beta = g.Constant(name + ".bias", rng.Tensor(0.1f, c));
        string mean = g.Constant(name + ".running_mean", rng.Tensor(0.1f, c));
        string variance = g.Constant(name + ".running_var", rng.Positive(0.5f, 1.5f, c));
        return g.Add(name, new BatchNormOp(1e-5f), [x, gamma, beta, mean, variance])!;
    }

    public static string Relu(GraphBuilder g, string name, string x) => g.Add(name, new ActivationOp(ActivationKind.Relu), [x])!;

    /// <summary>The ResNet basic block of the issue: conv-bn-relu, conv-bn, add the input, relu.</summary>
    public static Graph ResNetBlock(int channels = 8, int size = 10, int seed = 1)
    {
        var rng = new Rng(seed);
        var g = new GraphBuilder("ResNetBlock");
        string x = g.Input("x", TensorType.F32(1, channels, size, size));
        string a = Relu(g, "a", BatchNorm(g, rng, "a.batchnorm", Conv(g, rng, "a.conv2d", x, channels, 3, pad: 1)));
        string b = BatchNorm(g, rng, "b", Conv(g, rng, "b.conv2d", a, channels, 3, pad: 1));
        string sum = g.Add("y.add", new BinaryOp(BinaryKind.Add), [b, x])!;
        g.Output("y", Relu(g, "y", sum));
        Assert.Empty(g.Diagnostics.Items);
        return g.Build();
    }
}
