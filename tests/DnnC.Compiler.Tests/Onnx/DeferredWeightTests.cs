using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Onnx;
using DnnC.Compiler.Onnx.Proto;
using DnnC.Compiler.Tests.TestSupport;
using DnnC.Runtime;
using Google.Protobuf;
using static DnnC.Compiler.Tests.Onnx.OnnxModels;

namespace DnnC.Compiler.Tests.Onnx;

/// <summary>
/// Weights are decoded (initializers), expanded (ConstantOfShape) and folded (batchnorm) only when
/// something reads their values: a build, which needs shapes only, reads none of them. That is what
/// keeps the warm build of light_resnet50 under a second (BENCHMARKS.md).
/// </summary>
public class DeferredWeightTests
{
    [Fact]
    public void Building_light_resnet50_reads_no_weight_tensor()
    {
        string path = Path.Combine(RepoFiles.Root, "..", "shared", "onnx", "light", "light_resnet50.onnx");
        var diagnostics = new DiagnosticBag();
        var source = BuildPipeline.Load(path, new CompileOverrides(), diagnostics);
        var (optimized, plan, weights) = BuildPipeline.Lower(source, diagnostics);
        Assert.False(diagnostics.HasErrors);
        Assert.NotEmpty(plan.Kernels);

        // Per-channel vectors (folded biases) are computed eagerly; every conv and dense weight waits.
        var matrices = optimized.Weights.Items.Values.Where(w => w.Shape.Length >= 2).ToList();
        Assert.True(matrices.Count >= 50, $"expected ResNet-50's conv weights, found {matrices.Count}");
        Assert.All(matrices, w => Assert.False(w.IsMaterialized, $"a {w.ShapeText} weight was computed during the build"));
        Assert.All(source.Weights.Items.Values.Where(w => w.Shape.Length >= 2), w => Assert.False(w.IsMaterialized));
        // The weight blob is encoded when something reads it (a package write, a run), not by lowering.
        Assert.False(weights.IsMaterialized);
        Assert.Equal(plan.WeightBytes, weights.Length);
    }

    [Fact]
    public void A_raw_data_initializer_decodes_to_its_exact_values_when_read()
    {
        var values = new Rng(17).Tensor(3f, 4, 3, 1, 2);
        var weight = new TensorProto { Name = "w", DataType = Float, RawData = ByteString.CopyFrom(
            values.Data.SelectMany(BitConverter.GetBytes).ToArray()) };
        weight.Dims.AddRange([4, 3, 1, 2]);
        var model = Model(13, Graph([Node("Conv", ["x", "w"], ["y"])], [Input("x", 1, 3, 5, 5)], ["y"], [weight]));

        var graph = Import(model);

        var stored = graph.Weights.Items.Values.Single();
        Assert.False(stored.IsMaterialized);
        Assert.Equal(values.Data, stored.Data);
    }

    [Fact]
    public void A_constant_of_shape_weight_expands_to_its_value_when_read()
    {
        var value = new TensorProto { DataType = Float };
        value.Dims.Add(1);
        value.FloatData.Add(0.375f);
        var model = Model(13, Graph(
            [Node("ConstantOfShape", ["shape"], ["w"], Attr("value", value)), Node("Conv", ["x", "w"], ["y"])],
            [Input("x", 1, 7, 4, 4)], ["y"], [Ints("shape", 5, 7, 3, 1)]));

        var graph = Import(model);

        var stored = graph.Weights.Items.Values.Single(w => w.Shape.SequenceEqual([5, 7, 3, 1]));
        Assert.False(stored.IsMaterialized);
        Assert.All(stored.Data, v => Assert.Equal(0.375f, v));
        Assert.Equal(105, stored.Data.Length);
    }
}
