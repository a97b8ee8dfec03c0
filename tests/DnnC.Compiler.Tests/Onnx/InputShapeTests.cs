using DnnC.Compiler.Onnx.Proto;
using static DnnC.Compiler.Tests.Onnx.OnnxModels;

namespace DnnC.Compiler.Tests.Onnx;

/// <summary><c>--input NAME=DIMS</c> fixes dynamic dimensions during import and must agree with static ones.</summary>
public class InputShapeTests
{
    private static ModelProto Dynamic() => Model(13, Graph(
        [Node("Relu", ["x"], ["y"])], [Input("x", -1, 3, -1, -1)], ["y"]));

    [Fact]
    public void DynamicDimensionsAreFixed()
    {
        var graph = Import(Dynamic(), new Dictionary<string, int[]> { ["x"] = [2, 3, 5, 7] });
        Assert.Equal([2, 3, 5, 7], graph.Inputs[0].Type.Dims);
        Assert.Equal([2, 3, 5, 7], graph.Nodes.Single(n => n.Name == "y").Type.Dims);
    }

    [Fact]
    public void UnsetDynamicDimensionNamesTheInputAndTheDimension()
    {
        var (graph, diagnostics) = TryImport(Dynamic());
        Assert.Null(graph);
        var unset = diagnostics.Items.Where(d => d.Code == "DNN6010").Select(d => d.Message).ToList();
        Assert.Equal(3, unset.Count);
        Assert.Contains(unset, m => m.Contains("input 'x'") && m.Contains("dimension 0") && m.Contains("'d0'"));
        Assert.Contains(unset, m => m.Contains("dimension 3") && m.Contains("'d3'"));
        Assert.All(diagnostics.Items.Where(d => d.Code == "DNN6010"), d => Assert.Contains("--input x=", d.Help));
    }

    [Fact]
    public void StaticDimensionsContradictedByTheFlagAreAnError()
    {
        var model = Model(13, Graph([Node("Relu", ["x"], ["y"])], [Input("x", 1, 3, 8, 8)], ["y"]));
        var error = SingleError(model, "DNN6011", new Dictionary<string, int[]> { ["x"] = [1, 3, 9, 8] });
        Assert.Contains("[1, 3, 8, 8]", error.Message);
        Import(model, new Dictionary<string, int[]> { ["x"] = [1, 3, 8, 8] });
    }

    [Fact]
    public void WrongRankIsAnError() =>
        SingleError(Dynamic(), "DNN6011", new Dictionary<string, int[]> { ["x"] = [1, 3, 8] });

    [Fact]
    public void UnknownInputNameIsAnError()
    {
        var error = SingleError(Dynamic(), "DNN6012", new Dictionary<string, int[]> { ["x"] = [1, 3, 4, 4], ["image"] = [1, 3, 4, 4] });
        Assert.Contains("'image'", error.Message);
        Assert.Contains("'x'", error.Message);
    }

    [Fact]
    public void InitializersListedAsInputsAreNotGraphInputs()
    {
        var model = Model(13, Graph([Node("Add", ["x", "b"], ["y"])], [Input("x", 2), Input("b", 2)], ["y"],
            [FloatTensor("b", new Runtime.HostTensor([2], [1f, 2f]))]));
        var graph = Import(model);
        Assert.Equal(["x"], graph.Inputs.Select(i => i.Name));
    }
}
