using DnnC.Compiler.IR;
using DnnC.Compiler.Onnx.Proto;
using DnnC.Compiler.Tests.Reference;
using DnnC.Runtime;
using DnnC.Runtime.Numerics;
using static DnnC.Compiler.Tests.Onnx.OnnxModels;
using static DnnC.Compiler.Tests.Reference.RefHarness;

namespace DnnC.Compiler.Tests.Onnx;

/// <summary>
/// Casts onto types narrower than float32 round at run time (ElementCastTests pins the rounding
/// itself); tensors with a zero dimension carry no data and import as constants; batch norm in
/// training mode and dropout with ratio 0 compute their deterministic definitions.
/// </summary>
public class CastAndEmptyTensorTests
{
    private const int Float = 1, Int8 = 3, Float16 = 10, Double = 11, Float8E4M3FN = 17, Float8E5M2 = 19, Int4 = 22, Float4E2M1 = 23;

    /// <summary>Log-uniform magnitudes over ±2^-12 .. 2^20, so subnormals, ties and saturation all occur.</summary>
    private static HostTensor WideRandom(int seed, int[] shape)
    {
        var rng = new Random(seed);
        var data = new float[NTensor.Size(shape)];
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)(Math.Pow(2, rng.NextDouble() * 32 - 12) * (rng.Next(2) == 0 ? 1 : -1));
        return new HostTensor(shape, data);
    }

    [Theory]
    [InlineData(Float16, ElementFormat.Float16, 1)]
    [InlineData(Float8E4M3FN, ElementFormat.Float8E4M3FN, 1)]
    [InlineData(Float8E4M3FN, ElementFormat.Float8E4M3FN, 0)]
    [InlineData(Float8E5M2, ElementFormat.Float8E5M2, 0)]
    [InlineData(Float4E2M1, ElementFormat.Float4E2M1, 1)]
    [InlineData(Int4, ElementFormat.Int4, 1)]
    [InlineData(Int8, ElementFormat.Int8, 1)]
    public void A_cast_to_a_narrower_type_rounds_at_run_time(int to, ElementFormat format, long saturate)
    {
        var x = WideRandom(to * 10 + (int)saturate, [4, 33]);
        var model = Model(21, Graph([Node("Cast", ["x"], ["y"], Attr("to", (long)to), Attr("saturate", saturate))], [Input("x", 4, 33)], ["y"]));
        var graph = Import(model);
        var cast = Assert.Single(graph.Nodes, n => n.Op is CastOp).Op;
        Assert.Equal(new CastOp(format, saturate != 0), cast);
        var expected = x.Data.Select(v => ElementCast.Apply(format, v, saturate != 0)).ToArray();
        var actual = Run(model, new Dictionary<string, HostTensor> { ["x"] = x })["y"];
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(Int8, Float16)]
    [InlineData(Float8E4M3FN, Float16)]
    [InlineData(Float16, Float)]
    [InlineData(Float, Double)]
    public void A_cast_that_loses_nothing_adds_no_node(int from, int to)
    {
        var model = Model(21, Graph([Node("Cast", ["x"], ["c"], Attr("to", (long)to)), Node("Relu", ["c"], ["y"])],
            [TypedInput("x", from, 2, 3)], ["y"]));
        Assert.DoesNotContain(Import(model).Nodes, n => n.Op is CastOp or UnaryMathOp);
    }

    [Fact]
    public void CastLike_takes_only_the_type_of_an_empty_like_input()
    {
        var x = WideRandom(5, [3, 4]);
        var model = Model(21, Graph([Node("CastLike", ["x", "like"], ["y"])], [Input("x", 3, 4), TypedInput("like", Float8E5M2, 0)], ["y"]));
        var graph = Import(model);
        Assert.Equal(["x"], graph.Inputs.Select(i => i.Name));
        var actual = Run(model, new Dictionary<string, HostTensor> { ["x"] = x })["y"];
        Assert.Equal(x.Data.Select(v => ElementCast.Apply(ElementFormat.Float8E5M2, v)), actual);
    }

    [Fact]
    public void Reductions_over_an_empty_set_give_their_identities()
    {
        var model = Model(18, Graph(
            [Node("ReduceSum", ["x", "axes"], ["sum"], Attr("keepdims", 1L)), Node("ReduceMax", ["x", "axes"], ["max"], Attr("keepdims", 1L))],
            [Input("x", 2, 0, 4)], ["sum", "max"], [Ints("axes", 1)]));
        var outputs = Run(model, new Dictionary<string, HostTensor>());
        Assert.All(outputs["sum"], v => Assert.Equal(0, v));
        Assert.All(outputs["max"], v => Assert.Equal(double.NegativeInfinity, v));
        Assert.Equal(8, outputs["sum"].Length);
    }

    [Fact]
    public void An_empty_result_is_an_empty_constant_output_and_empty_parts_drop_out_of_concat()
    {
        var x = Random(6, [3, 4]);
        var model = Model(13, Graph(
            [Node("Slice", ["x", "starts", "ends", "axes"], ["empty"]), Node("Concat", ["x", "empty"], ["y"], Attr("axis", 1L))],
            [Input("x", 3, 4)], ["empty", "y"], [Ints("starts", 10), Ints("ends", 20), Ints("axes", 1)]));
        var graph = Import(model);
        Assert.DoesNotContain(graph.Nodes, n => n.Op is SliceOp or ConcatOp);
        var outputs = Run(model, new Dictionary<string, HostTensor> { ["x"] = x });
        Assert.Empty(outputs["empty"]);
        Assert.Equal(x.Data.Select(v => (double)v), outputs["y"]);
    }

    [Fact]
    public void BatchNormalization_in_training_mode_uses_the_batch_statistics()
    {
        int n = 2, c = 3, hw = 5;
        var x = Random(7, [n, c, hw]);
        var scale = Random(8, [c]);
        var bias = Random(9, [c]);
        var runningMean = Random(10, [c]);
        var runningVar = Random(11, [c], positive: true);
        const float epsilon = 1e-3f, momentum = 0.8f;
        var model = Model(15, Graph(
            [Node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y", "mean", "var"],
                Attr("training_mode", 1L), Attr("epsilon", epsilon), Attr("momentum", momentum))],
            [Input("x", n, c, hw), Input("s", c), Input("b", c), Input("m", c), Input("v", c)], ["y", "mean", "var"]));
        var outputs = Run(model, new Dictionary<string, HostTensor>
            { ["x"] = x, ["s"] = scale, ["b"] = bias, ["m"] = runningMean, ["v"] = runningVar });

        for (int ch = 0; ch < c; ch++)
        {
            var values = Enumerable.Range(0, n * hw).Select(k => (double)x.Data[(k / hw * c + ch) * hw + k % hw]).ToList();
            double mean = values.Average();
            double variance = values.Sum(v => (v - mean) * (v - mean)) / values.Count;
            for (int k = 0; k < n * hw; k++)
            {
                int at = (k / hw * c + ch) * hw + k % hw;
                double expected = (x.Data[at] - mean) / Math.Sqrt(variance + epsilon) * scale.Data[ch] + bias.Data[ch];
                Assert.Equal(expected, outputs["y"][at], 1e-9);
            }
            Assert.Equal(runningMean.Data[ch] * (double)momentum + mean * (1 - (double)momentum), outputs["mean"][ch], 1e-9);
            Assert.Equal(runningVar.Data[ch] * (double)momentum + variance * (1 - (double)momentum), outputs["var"][ch], 1e-9);
        }
    }

    [Fact]
    public void Dropout_in_training_mode_is_supported_only_when_it_drops_nothing()
    {
        var x = Random(12, [2, 5]);
        NodeProto Dropout() => Node("Dropout", ["x", "ratio", "training"], ["y", "mask"]);
        var training = new TensorProto { Name = "training", DataType = 9, Int32Data = { 1 } };
        var zero = FloatTensor("ratio", new HostTensor([], [0f]));
        var model = Model(13, Graph([Dropout()], [Input("x", 2, 5)], ["y", "mask"], [zero, training]));
        var outputs = Run(model, new Dictionary<string, HostTensor> { ["x"] = x });
        Assert.Equal(x.Data.Select(v => (double)v), outputs["y"]);
        Assert.All(outputs["mask"], m => Assert.Equal(1, m));

        var half = FloatTensor("ratio", new HostTensor([], [0.5f]));
        SingleError(Model(13, Graph([Dropout()], [Input("x", 2, 5)], ["y", "mask"], [half, training])), "DNN6015");
    }
}
