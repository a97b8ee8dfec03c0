using DnnC.Compiler.IR;
using DnnC.Compiler.Reference;
using DnnC.Runtime;

namespace DnnC.Compiler.Tests.Reference;

/// <summary>Seeded random tensors, one-op graphs, and the comparison against the naive results.</summary>
public static class RefHarness
{
    /// <summary>Values in ±[lo, hi] with random signs: never zero, so no term can silently vanish.</summary>
    public static HostTensor Random(int seed, int[] shape, double lo = 0.1, double hi = 1.0, bool positive = false)
    {
        var rng = new Random(seed);
        var data = new float[NTensor.Size(shape)];
        for (int i = 0; i < data.Length; i++)
        {
            double magnitude = lo + (hi - lo) * rng.NextDouble();
            data[i] = (float)(positive || rng.Next(2) == 0 ? magnitude : -magnitude);
        }
        return new HostTensor(shape, data);
    }

    /// <summary>
    /// A graph of one node: operands [0, firstConstant) are graph inputs in0, in1, …; the rest
    /// are constants w{i} from the weight table, which exercises ConstantOp too.
    /// </summary>
    public static (Graph Graph, Dictionary<string, HostTensor> Feeds) OneOp(Op op, IReadOnlyList<HostTensor> operands, int? firstConstant = null)
    {
        var builder = new GraphBuilder("test");
        var feeds = new Dictionary<string, HostTensor>();
        var names = new List<string>();
        for (int i = 0; i < operands.Count; i++)
        {
            if (i < (firstConstant ?? operands.Count))
            {
                names.Add(builder.Input($"in{i}", TensorType.F32(operands[i].Shape)));
                feeds[$"in{i}"] = operands[i];
            }
            else names.Add(builder.Constant($"w{i}", operands[i]));
        }
        var y = builder.Add("y", op, names);
        Assert.True(y is not null, string.Join("\n", builder.Diagnostics.Items.Select(d => d.Message)));
        builder.Output("result", y!);
        return (builder.Build(), feeds);
    }

    /// <summary>Runs a one-op graph both ways and compares with the naive result.</summary>
    public static void Check(Op op, IReadOnlyList<HostTensor> operands, NTensor expected, int? firstConstant = null)
    {
        var (graph, feeds) = OneOp(op, operands, firstConstant);
        CheckGraph(graph, feeds, new Dictionary<string, NTensor> { ["result"] = expected });
    }

    public static void CheckGraph(Graph graph, IReadOnlyDictionary<string, HostTensor> feeds, IReadOnlyDictionary<string, NTensor> expected)
    {
        var floats = ReferenceExecutor.Run(graph, feeds);
        var doubles = ReferenceExecutor.RunDouble(graph, feeds);
        Assert.Equal(expected.Keys.Order(), floats.Keys.Order());
        Assert.Equal(expected.Keys.Order(), doubles.Keys.Order());
        foreach (var (name, want) in expected)
        {
            Assert.Equal(want.Shape, floats[name].Shape);
            AssertClose(want.Data, floats[name].Data.Select(v => (double)v).ToArray(), rtol: 1e-5, atol: 1e-9, name + " (float32)");
            AssertClose(want.Data, doubles[name], rtol: 1e-12, atol: 1e-12, name + " (float64)");
        }
    }

    public static void AssertClose(double[] expected, double[] actual, double rtol, double atol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(expected.All(double.IsFinite), $"{what}: the naive result is not finite");
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(expected[i] - actual[i]);
            if (!(diff <= atol + rtol * Math.Abs(expected[i])))
                Assert.Fail($"{what}: element {i} is {actual[i]:R}, expected {expected[i]:R} (diff {diff:E2})");
        }
    }

    public static NTensor N(HostTensor t) => NTensor.Of(t);
}
