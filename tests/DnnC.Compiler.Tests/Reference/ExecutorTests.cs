using DnnC.Compiler.IR;
using DnnC.Compiler.Reference;
using DnnC.Runtime;
using DnnC.Runtime.Plan;
using static DnnC.Compiler.Tests.Reference.RefHarness;

namespace DnnC.Compiler.Tests.Reference;

public sealed class ExecutorTests
{
    private static Graph SmallCnn(int seed, out Dictionary<string, HostTensor> weights)
    {
        weights = new()
        {
            ["w1"] = Random(seed + 1, [4, 3, 3, 3]),
            ["b1"] = Random(seed + 2, [4]),
            ["scale"] = Random(seed + 3, [4]),
            ["shift"] = Random(seed + 4, [4]),
            ["mean"] = Random(seed + 5, [4]),
            ["var"] = Random(seed + 6, [4], lo: 0.2, positive: true),
            ["fc"] = Random(seed + 7, [5, 16]),
            ["fcb"] = Random(seed + 8, [5]),
        };
        var g = new GraphBuilder("cnn");
        g.Input("image", TensorType.F32(2, 3, 9, 9));
        foreach (var (name, tensor) in weights) g.Constant(name, tensor);
        var steps = EquatableArray<EpilogueStep>.Empty;
        g.Add("conv", new Conv2dOp([2, 2], [1, 1, 1, 1], [1, 1], 1, true, steps), ["image", "w1", "b1"]);
        g.Add("bn", new BatchNormOp(1e-5f), ["conv", "scale", "shift", "mean", "var"]);
        g.Add("act", new ActivationOp(ActivationKind.Relu), ["bn"]);
        g.Add("pool", new PoolOp(PoolKind.Max, [2, 2], [2, 2], [0, 0, 0, 0]), ["act"]);
        g.Add("flat", new FlattenOp(1), ["pool"]);
        g.Add("logits", new DenseOp(true, steps), ["flat", "fc", "fcb"]);
        g.Add("probs", new SoftmaxOp(1), ["logits"]);
        Assert.False(g.Diagnostics.HasErrors, string.Join("\n", g.Diagnostics.Items.Select(d => d.Message)));
        g.Output("probabilities", "probs");
        g.Output("features", "pool");
        g.Output("echo", "image");
        return g.Build();
    }

    [Theory]
    [InlineData(100)]
    [InlineData(200)]
    public void ChainOfOpsMatchesTheNaiveChain(int seed)
    {
        var graph = SmallCnn(seed, out var w);
        var image = Random(seed, [2, 3, 9, 9]);
        var conv = Naive.Conv2d(N(image), N(w["w1"]), N(w["b1"]), [2, 2], [1, 1, 1, 1], [1, 1], 1);
        var bn = Naive.BatchNorm(conv, N(w["scale"]), N(w["shift"]), N(w["mean"]), N(w["var"]), 1e-5f);
        var pool = Naive.Pool(Naive.Map(bn, Naive.Relu), true, [2, 2], [2, 2], [0, 0, 0, 0], false, false);
        var logits = Naive.Dense(new NTensor([2, 16], pool.Data), N(w["fc"]), N(w["fcb"]));
        var expected = new Dictionary<string, NTensor>
        {
            ["probabilities"] = Naive.Softmax(logits, 1),
            ["features"] = pool,
            ["echo"] = N(image),
        };
        CheckGraph(graph, new Dictionary<string, HostTensor> { ["image"] = image }, expected);
    }

    [Fact]
    public void MissingInputIsReportedByName()
    {
        var graph = SmallCnn(1, out _);
        var e = Assert.Throws<ArgumentException>(() => ReferenceExecutor.Run(graph, new Dictionary<string, HostTensor>()));
        Assert.Contains("'image'", e.Message);
        Assert.Contains("[2, 3, 9, 9]", e.Message);
    }

    [Fact]
    public void WrongShapeNamesTheInputAndBothShapes()
    {
        var graph = SmallCnn(1, out _);
        var feeds = new Dictionary<string, HostTensor> { ["image"] = Random(1, [1, 3, 9, 9]) };
        var e = Assert.Throws<ArgumentException>(() => ReferenceExecutor.RunDouble(graph, feeds));
        Assert.Contains("'image'", e.Message);
        Assert.Contains("[1, 3, 9, 9]", e.Message);
        Assert.Contains("[2, 3, 9, 9]", e.Message);
    }

    [Fact]
    public void UnknownInputIsRejected()
    {
        var graph = SmallCnn(1, out _);
        var feeds = new Dictionary<string, HostTensor> { ["image"] = Random(1, [2, 3, 9, 9]), ["imgae"] = Random(2, [1]) };
        var e = Assert.Throws<ArgumentException>(() => ReferenceExecutor.Run(graph, feeds));
        Assert.Contains("'imgae'", e.Message);
    }

    [Fact]
    public void RunDoesNotAliasInputsOrWeights()
    {
        var graph = SmallCnn(3, out _);
        var image = Random(3, [2, 3, 9, 9]);
        var feeds = new Dictionary<string, HostTensor> { ["image"] = image };
        var echo = ReferenceExecutor.Run(graph, feeds)["echo"];
        Assert.NotSame(image.Data, echo.Data);
        var doubles = ReferenceExecutor.RunDouble(graph, feeds);
        doubles["echo"][0] = 12345;
        Assert.NotEqual(12345, ReferenceExecutor.RunDouble(graph, feeds)["echo"][0]);
    }

    [Fact]
    public void RunRoundsTheDoubleResultToFloat()
    {
        var graph = SmallCnn(4, out _);
        var feeds = new Dictionary<string, HostTensor> { ["image"] = Random(4, [2, 3, 9, 9]) };
        var floats = ReferenceExecutor.Run(graph, feeds)["probabilities"];
        var doubles = ReferenceExecutor.RunDouble(graph, feeds)["probabilities"];
        Assert.Equal(doubles.Select(d => (float)d).ToArray(), floats.Data);
    }
}
