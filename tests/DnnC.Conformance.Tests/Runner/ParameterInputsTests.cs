using DnnC.Conformance.Running;
using Google.Protobuf;
using static DnnC.Conformance.Tests.Runner.ProtoBuilders;

namespace DnnC.Conformance.Tests.Runner;

public sealed class ParameterInputsTests
{
    [Fact]
    public void BakesAShapeInputAndKeepsTheDataInput()
    {
        var model = Model([Node("Reshape", ["data", "shape"], "y")], [Value("data", 2, 3), Value("shape", 2)], [Value("y", 3, 2)]);
        var facts = ModelFacts.Of(model);
        byte[][] values = [Floats([2, 3], 1, 2, 3, 4, 5, 6).ToByteArray(), Int64s(3, 2).ToByteArray()];

        var baked = ParameterInputs.Bake(model, facts.RuntimeInputs, values);

        Assert.Equal([1], baked);
        Assert.Equal(["data"], model.Graph.Input.Select(i => i.Name));
        var initializer = Assert.Single(model.Graph.Initializer);
        Assert.Equal("shape", initializer.Name);
        Assert.Equal(Int64s(3, 2).RawData, initializer.RawData);
    }

    [Fact]
    public void KeepsAnInputThatAlsoCarriesData()
    {
        // 'k' sets Tile's repeats but is also added to the output: it must stay a runtime input.
        var model = Model(
            [Node("Tile", ["x", "k"], "t"), Node("Add", ["t", "k"], "y")],
            [Value("x", 2), Value("k", 1)], [Value("y", 4)]);
        var facts = ModelFacts.Of(model);
        var baked = ParameterInputs.Bake(model, facts.RuntimeInputs, [Floats([2], 1, 2).ToByteArray(), Int64s(2).ToByteArray()]);
        Assert.Empty(baked);
        Assert.Equal(2, model.Graph.Input.Count);
    }
}
