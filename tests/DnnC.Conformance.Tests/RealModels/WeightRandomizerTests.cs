using DnnC.Compiler.Onnx.Proto;
using DnnC.Conformance.Models;
using DnnC.Conformance.Suite;
using Google.Protobuf;
using static DnnC.Conformance.Tests.Runner.ProtoBuilders;

namespace DnnC.Conformance.Tests.RealModels;

public sealed class WeightRandomizerTests
{
    /// <summary>Conv whose weight comes from ConstantOfShape(Constant shape), as in the light models.</summary>
    private static ModelProto ConvWithConstantWeight()
    {
        var shape = Node("Constant", [], "w_shape", new AttributeProto { Name = "value", T = Int64s(4, 3, 3, 3) });
        var fill = Node("ConstantOfShape", ["w_shape"], "w", new AttributeProto { Name = "value", T = Floats([1], 0.25f) });
        var conv = Node("Conv", ["x", "w", "b"], "y");
        var model = Model([shape, fill, conv], [Value("x", 1, 3, 8, 8), Value("b", 4)], [Value("y", 1, 4, 6, 6)]);
        var bias = Floats([4], 0, 0, 0, 0);
        bias.Name = "b";
        model.Graph.Initializer.Add(bias);
        return model;
    }

    [Fact]
    public void TurnsConstantWeightsIntoSeededRandomInitializers()
    {
        var original = ConvWithConstantWeight();
        var randomized = WeightRandomizer.Randomize(original, 1);

        Assert.Equal(["Conv"], randomized.Graph.Node.Select(n => n.OpType));
        var weight = TensorValues.Decode(randomized.Graph.Initializer.Single(t => t.Name == "w").ToByteArray());
        Assert.Equal([4, 3, 3, 3], weight.Shape);
        double bound = Math.Sqrt(6.0 / 27);
        Assert.All(weight.Values, v => Assert.InRange(Math.Abs(v), 0, bound));
        Assert.True(weight.Values.Distinct().Count() > 100, "weights must vary");
        var bias = TensorValues.Decode(randomized.Graph.Initializer.Single(t => t.Name == "b").ToByteArray());
        Assert.Contains(bias.Values, v => v != 0);
        Assert.Equal(3, original.Graph.Node.Count); // the input model is left alone
    }

    [Fact]
    public void TheSeedFixesTheValues()
    {
        var model = ConvWithConstantWeight();
        Assert.Equal(WeightRandomizer.Randomize(model, 1).ToByteArray(), WeightRandomizer.Randomize(model, 1).ToByteArray());
        Assert.NotEqual(WeightRandomizer.Randomize(model, 1).ToByteArray(), WeightRandomizer.Randomize(model, 2).ToByteArray());
    }

    [Fact]
    public void FinalSoftmaxIsReplacedByItsLogits()
    {
        var model = Model([Node("Gemm", ["x", "w"], "logits"), Node("Softmax", ["logits"], "prob")],
            [Value("x", 1, 4)], [Value("prob", 1, 3)]);
        var cut = FinalSoftmax.Remove(model);
        Assert.Equal(["Gemm"], cut.Graph.Node.Select(n => n.OpType));
        Assert.Equal("logits", cut.Graph.Output.Single().Name);
    }
}
