using DnnC.Compiler.IR;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Tests.Syntax;

public class BinderTests
{
    [Fact]
    public void ResNetBlockInfersShapesAndNamesLayers()
    {
        var graph = Dsl.LoadOk(File.ReadAllText(Path.Combine(Dsl.ExamplesDirectory, "resnet_block", "resnet_block.dnn")));
        var types = graph.ValueTypes();

        Assert.Equal(TensorType.F32(1, 64, 56, 56), types["a"]);
        Assert.Equal(TensorType.F32(64, 64, 3, 3), types["a.conv2d.weight"]);
        Assert.Equal(["a.conv2d", "a.batchnorm", "a", "b.conv2d", "b", "y.add", "y"],
            graph.Nodes.Where(n => n.Op is not ConstantOp).Select(n => n.Name));
        var conv = Assert.IsType<Conv2dOp>(graph.Producer("a.conv2d")!.Op);
        Assert.False(conv.HasBias);
        Assert.Equal([1, 1, 1, 1], conv.Pads);
        Assert.Equal(["b", "x"], graph.Producer("y.add")!.Inputs);
        Assert.Equal(new GraphOutput("y", "y"), Assert.Single(graph.Outputs));
        Assert.Equal(["a.batchnorm.weight", "a.batchnorm.bias", "a.batchnorm.running_mean", "a.batchnorm.running_var"],
            graph.Producer("a.batchnorm")!.Inputs.Skip(1));
    }

    [Fact]
    public void RepeatedOperatorsInOneStatementGetNumberedLayers()
    {
        var graph = Dsl.LoadOk(Dsl.Model("y = x |> conv2d(8, kernel: 1) |> relu |> conv2d(8, kernel: 1) |> relu"));
        Assert.Equal(["y.conv2d", "y.relu", "y.conv2d_1", "y"], graph.Nodes.Where(n => n.Op is not ConstantOp).Select(n => n.Name));
        Assert.True(graph.Weights.Contains("y.conv2d_1.weight"));
        Assert.True(graph.Weights.Contains("y.conv2d_1.bias"));
    }

    [Fact]
    public void DottedNamesReachLayersInsideAStatement()
    {
        var graph = Dsl.LoadOk(Dsl.Model("a = x |> conv2d(8, kernel: 1) |> relu\n  y = a.conv2d + a.relu", outputs: "y"));
        // a.relu is the statement's last operation, so its value is named a.
        Assert.Equal(["a.conv2d", "a"], graph.Producer("y")!.Inputs);
    }

    [Fact]
    public void AnAliasAddsNoNodeAndNamesTheOutput()
    {
        var graph = Dsl.LoadOk(Dsl.Model("a = x |> relu\n  y = a"));
        Assert.Equal(new GraphOutput("y", "a"), Assert.Single(graph.Outputs));
        Assert.DoesNotContain(graph.Nodes, n => n.Name == "y");
    }

    [Fact]
    public void ScalarsBecomeConstantsAndArithmeticBroadcasts()
    {
        var graph = Dsl.LoadOk(Dsl.Model("y = (x - 1) / 2"));
        var div = graph.Producer("y")!;
        Assert.Equal(new BinaryOp(BinaryKind.Div), div.Op);
        Assert.Equal(TensorType.F32(1, 8, 16, 16), div.Type);
        Assert.Equal([2f], graph.Weights["y.const_1"].Data);
        Assert.Equal([1], graph.Weights["y.const"].Shape);
    }

    [Theory]
    [InlineData("x |> reshape([0, -1])", new[] { 1, 2048 })]
    [InlineData("x |> reshape([2, 0, -1, 4])", new[] { 2, 8, 32, 4 })]
    [InlineData("x |> flatten", new[] { 1, 2048 })]
    [InlineData("x |> flatten(axis: -2)", new[] { 8, 256 })]
    [InlineData("x |> flatten(axis: 4)", new[] { 2048, 1 })]
    [InlineData("x |> flatten(axis: 0)", new[] { 1, 2048 })]
    [InlineData("x |> transpose", new[] { 16, 16, 8, 1 })]
    [InlineData("x |> transpose([0, 2, 3, 1])", new[] { 1, 16, 16, 8 })]
    [InlineData("x |> maxpool(kernel: 2)", new[] { 1, 8, 8, 8 })]
    [InlineData("x |> avgpool(kernel: 3, stride: 1, pad: 1)", new[] { 1, 8, 16, 16 })]
    [InlineData("x |> global_avgpool", new[] { 1, 8, 1, 1 })]
    [InlineData("concat(x, x |> relu, axis: -3)", new[] { 1, 16, 16, 16 })]
    [InlineData("x |> conv2d(16, kernel: 3, stride: 2, pad: 1)", new[] { 1, 16, 8, 8 })]
    [InlineData("x |> conv2d(4, kernel: [3, 1], pad: [1, 0])", new[] { 1, 4, 16, 16 })]
    [InlineData("x |> conv2d(8, kernel: 3, dilation: 2)", new[] { 1, 8, 12, 12 })]
    [InlineData("x |> depthwise_conv2d(kernel: 3, pad: 1)", new[] { 1, 8, 16, 16 })]
    [InlineData("x |> shift(kernel: 3)", new[] { 1, 8, 16, 16 })]
    [InlineData("x |> bias", new[] { 1, 8, 16, 16 })]
    [InlineData("x |> flatten |> dense(10)", new[] { 1, 10 })]
    [InlineData("matmul(x, x |> transpose([0, 1, 3, 2]))", new[] { 1, 8, 16, 16 })]
    public void ShapesAreInferred(string expr, int[] shape)
    {
        var graph = Dsl.LoadOk(Dsl.Model($"y = {expr}"));
        Assert.Equal(shape, graph.ValueTypes()["y"].Shape);
        Assert.Empty(GraphVerifier.Verify(graph));
    }

    [Fact]
    public void NegativeAxesAreNormalised()
    {
        var graph = Dsl.LoadOk(Dsl.Model("s = x |> softmax\n  y = s |> softmax(axis: -3)"));
        Assert.Equal(new SoftmaxOp(3), graph.Producer("s")!.Op);
        Assert.Equal(new SoftmaxOp(1), graph.Producer("y")!.Op);
    }

    [Fact]
    public void DepthwiseConvolutionUsesOneGroupPerChannel()
    {
        var graph = Dsl.LoadOk(Dsl.Model("y = x |> depthwise_conv2d(kernel: 3, pad: 1, bias: false)"));
        Assert.Equal(8, Assert.IsType<Conv2dOp>(graph.Producer("y")!.Op).Groups);
        Assert.Equal([8, 1, 3, 3], graph.Weights["y.depthwise_conv2d.weight"].Shape);
    }

    [Fact]
    public void StandaloneBiasIsAnAddOfAChannelConstant()
    {
        var graph = Dsl.LoadOk(Dsl.Model("y = x |> bias"));
        Assert.Equal(new BinaryOp(BinaryKind.Add), graph.Producer("y")!.Op);
        Assert.Equal([8, 1, 1], graph.Weights["y.bias.bias"].Shape);
    }

    [Fact]
    public void ActivationAttributesHaveDefaultsAndOverrides()
    {
        var graph = Dsl.LoadOk(Dsl.Model(
            "a = x |> hardsigmoid\n  b = x |> leaky_relu(alpha: 0.2)\n  c = x |> clip(min: 0, max: 6)\n  y = x |> batchnorm(eps: 0.001)",
            outputs: "a, b, c, y"));
        Assert.Equal(new ActivationOp(ActivationKind.HardSigmoid, 0.2f, 0.5f), graph.Producer("a")!.Op);
        Assert.Equal(new ActivationOp(ActivationKind.LeakyRelu, 0.2f), graph.Producer("b")!.Op);
        Assert.Equal(new ActivationOp(ActivationKind.Clip, 0, 6), graph.Producer("c")!.Op);
        Assert.Equal(new BatchNormOp(0.001f), graph.Producer("y")!.Op);
    }

    [Fact]
    public void AnnotationsApplyToEveryNodeOfTheirStatement()
    {
        var graph = Dsl.LoadOk(Dsl.Model("@fp16 @sparse(2:4) @bits(2)\n  a = x |> conv2d(8, kernel: 1) |> relu\n  y = a + x"));
        var expected = new LayerOptions(Precision.Fp16, SparsityMode.TwoFour, 2);
        Assert.Equal(expected, graph.Producer("a.conv2d")!.Options);
        Assert.Equal(expected, graph.Producer("a")!.Options);
        Assert.Equal(LayerOptions.Inherit, graph.Producer("y")!.Options);
    }

    [Fact]
    public void CompileSectionMapsOntoCompileOptions()
    {
        var graph = Dsl.LoadOk(Dsl.Model(
            "compile { target: [h100, l4, sm_86], precision: fp16, sparsity: 2:4, weight_bits: 16, tail: prune }\n  y = x"));
        Assert.Equal(new CompileOptions(["sm_90", "sm_89", "sm_86"], Precision.Fp16, SparsityMode.TwoFour, 16, TailMode.Prune), graph.Options);
    }

    [Theory]
    [InlineData("sm_75")]
    [InlineData("sm_100")]
    [InlineData("t4")]
    public void TargetsOutsideTheTableAreRefusedAsOnTheCommandLine(string target)
    {
        // The DSL and --target take the same words, from GpuTarget: what NVRTC 11.8 builds DnnC's kernels for.
        var error = Assert.Single(Dsl.LoadErrors(Dsl.Model($"compile {{ target: {target} }}\n  y = x")));
        Assert.Contains("a100, h100, h200, l4, rtx4090, sm_80, sm_86, sm_87, sm_89, sm_90", error.Help ?? error.Message);
        Assert.Null(DnnC.Runtime.Targets.GpuTarget.ArchOf(target));
    }

    [Theory]
    [InlineData("h200", "sm_90")]
    [InlineData("a100", "sm_80")]
    [InlineData("rtx4090", "sm_89")]
    [InlineData("sm_86", "sm_86")]
    public void TargetsMapToArchitectures(string target, string arch)
    {
        var graph = Dsl.LoadOk(Dsl.Model($"compile {{ target: {target} }}\n  y = x"));
        Assert.Equal([arch], graph.Options.Targets);
    }

    [Fact]
    public void WithoutACompileSectionTheDefaultsApply() =>
        Assert.Equal(CompileOptions.Default, Dsl.LoadOk(Dsl.Model("y = x")).Options);

    [Fact]
    public void HalfPrecisionInputsKeepTheirType()
    {
        var graph = Dsl.LoadOk(Dsl.Model("y = x |> relu", inputs: "x: f16[2, 3]"));
        Assert.Equal(new TensorType(DType.F16, [2, 3]), graph.Inputs[0].Type);
    }

    [Fact]
    public void ErrorsAreReportedInSourceOrderAndAllAtOnce()
    {
        var errors = Dsl.LoadErrors(Dsl.Model("a = x |> conv3d(8)\n  b = x |> relu(alpha: 1)\n  y = q"));
        Assert.Equal(["DNN1020", "DNN1021", "DNN1013"], errors.Select(e => e.Code));
        Assert.Equal(errors.OrderBy(e => e.Location.Span.Start), errors);
    }

    [Fact]
    public void AShapeErrorDoesNotCascadeIntoItsConsumers()
    {
        var errors = Dsl.LoadErrors(Dsl.Model("a = x |> flatten |> conv2d(8, kernel: 3)\n  b = a |> relu\n  y = b + a"));
        var error = Assert.Single(errors);
        Assert.Equal("DNN1026", error.Code);
    }
}
