using DnnC.Compiler.Onnx.Proto;
using DnnC.Compiler.Tests.TestSupport;
using Google.Protobuf;
using static DnnC.Compiler.Tests.Onnx.OnnxModels;

namespace DnnC.Compiler.Tests.Onnx;

/// <summary>Corrupt files, wrong graphs and absurd shapes: a clear DNN6xxx error each, never an exception.</summary>
public class BadModelTests
{
    private static ModelProto ReluModel(int opset = 13) => Model(opset, Graph(
        [Node("Relu", ["x"], ["y"])], [Input("x", 1, 4)], ["y"]));

    [Fact]
    public void TruncatedProtobufIsReported()
    {
        var bytes = ReluModel().ToByteArray();
        for (int cut = 1; cut < bytes.Length; cut += 3)
        {
            var diagnostics = new Diagnostics.DiagnosticBag();
            var graph = Compiler.Onnx.OnnxImporter.Load(bytes[..cut], "cut.onnx", new Dictionary<string, int[]>(), diagnostics);
            Assert.Null(graph);
            Assert.Contains(diagnostics.Items, d => d.IsError && d.Code.StartsWith("DNN6"));
        }
    }

    [Fact]
    public void RandomBytesAreReported()
    {
        var random = new Random(5);
        for (int trial = 0; trial < 50; trial++)
        {
            var bytes = new byte[random.Next(1, 400)];
            random.NextBytes(bytes);
            var diagnostics = new Diagnostics.DiagnosticBag();
            Assert.Null(Compiler.Onnx.OnnxImporter.Load(bytes, "noise.onnx", new Dictionary<string, int[]>(), diagnostics));
            Assert.Contains(diagnostics.Items, d => d.IsError);
        }
    }

    [Fact]
    public void FlippedBytesNeverThrow()
    {
        var original = Model(13, Graph(
            [Node("Conv", ["x", "w"], ["y"], Attr("pads", 1L, 1, 1, 1)), Node("Relu", ["y"], ["z"])],
            [Input("x", 1, 2, 5, 5)], ["z"], [FloatTensor("w", new Rng(1).Tensor(3, 2, 3, 3))])).ToByteArray();
        var random = new Random(9);
        for (int trial = 0; trial < 200; trial++)
        {
            var bytes = (byte[])original.Clone();
            for (int k = 0; k < 3; k++) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            var diagnostics = new Diagnostics.DiagnosticBag();
            var graph = Compiler.Onnx.OnnxImporter.Load(bytes, "flipped.onnx", new Dictionary<string, int[]>(), diagnostics);
            Assert.True(graph is not null || diagnostics.HasErrors);
        }
    }

    [Fact]
    public void MissingGraphIsReported() =>
        Assert.Contains("no graph", SingleError(new ModelProto { IrVersion = 8 }, "DNN6001").Message);

    [Fact]
    public void CycleIsReported()
    {
        var model = Model(13, Graph(
            [Node("Add", ["x", "b"], ["a"]), Node("Relu", ["a"], ["b"]), Node("Relu", ["a"], ["y"])],
            [Input("x", 1, 4)], ["y"]));
        var error = SingleError(model, "DNN6007");
        Assert.Contains("Add_a", error.Message);
        Assert.Contains("Relu_b", error.Message);
    }

    [Fact]
    public void DanglingInputIsReported()
    {
        var model = Model(13, Graph([Node("Add", ["x", "ghost"], ["y"])], [Input("x", 1, 4)], ["y"]));
        var error = SingleError(model, "DNN6006");
        Assert.Contains("'ghost'", error.Message);
        Assert.Contains("Add_y", error.Message);
    }

    [Fact]
    public void UndefinedGraphOutputIsReported() =>
        Assert.Contains("'nowhere'", SingleError(Model(13, Graph([Node("Relu", ["x"], ["y"])], [Input("x", 1, 4)], ["nowhere"])), "DNN6017").Message);

    [Fact]
    public void DuplicateDefinitionIsReported()
    {
        var model = Model(13, Graph([Node("Relu", ["x"], ["y"]), Node("Sigmoid", ["x"], ["y"])], [Input("x", 1, 4)], ["y"]));
        Assert.Contains("'y'", SingleError(model, "DNN6016").Message);
    }

    [Fact]
    public void InitializerWhoseDimsDoNotMatchItsDataIsReported()
    {
        var w = FloatTensor("w", new Rng(2).Tensor(2, 3));
        w.Dims[1] = 4;
        var model = Model(13, Graph([Node("Add", ["x", "w"], ["y"])], [Input("x", 2, 4)], ["y"], [w]));
        var error = SingleError(model, "DNN6008");
        Assert.Contains("'w'", error.Message);
        Assert.Contains("8 elements", error.Message);
    }

    [Fact]
    public void RawDataOfTheWrongLengthIsReported()
    {
        var w = new TensorProto { Name = "w", DataType = Float, RawData = ByteString.CopyFrom(new byte[10]) };
        w.Dims.Add(3);
        var model = Model(13, Graph([Node("Add", ["x", "w"], ["y"])], [Input("x", 3)], ["y"], [w]));
        Assert.Contains("raw_data has 10 bytes", SingleError(model, "DNN6008").Message);
    }

    [Theory]
    [InlineData(new long[] { -3, 2 })]
    [InlineData(new long[] { 1L << 40, 1L << 40 })]
    [InlineData(new long[] { 65536, 65536 })]
    [InlineData(new long[] { long.MaxValue, 2 })]
    public void InitializerWithAbsurdDimsIsReportedWithoutAllocating(long[] dims)
    {
        var w = new TensorProto { Name = "w", DataType = Float };
        w.Dims.AddRange(dims);
        var model = Model(13, Graph([Node("Add", ["x", "w"], ["y"])], [Input("x", 2)], ["y"], [w]));
        Assert.Contains("'w'", SingleError(model, "DNN6009").Message);
    }

    [Theory]
    [InlineData(-5L)]
    [InlineData(1L << 33)]
    public void InputWithAbsurdDimsIsReported(long dim)
    {
        var model = Model(13, Graph([Node("Relu", ["x"], ["y"])], [TypedInput("x", Float, 2, 3)], ["y"]));
        model.Graph.Input[0].Type.TensorType.Shape.Dim[1].DimValue = dim;
        Assert.Contains("'x'", SingleError(model, "DNN6009").Message);
    }

    [Fact]
    public void ConstantOfShapeWithAnOverflowingShapeIsReported()
    {
        var model = Model(13, Graph(
            [Node("ConstantOfShape", ["s"], ["c"]), Node("Add", ["x", "c"], ["y"])],
            [Input("x", 2)], ["y"], [Ints("s", 1L << 20, 1L << 20, 1L << 20)]));
        Assert.Contains("2^31", SingleError(model, "DNN6014").Message);
    }

    [Fact]
    public void ReshapeToAHugeShapeIsReported()
    {
        var model = Model(13, Graph([Node("Reshape", ["x", "s"], ["y"])], [Input("x", 4)], ["y"], [Ints("s", 1L << 31, 2)]));
        SingleError(model, "DNN6014");
    }

    [Fact]
    public void UnknownOpsetDomainIsReported()
    {
        var model = ReluModel();
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.example.custom", Version = 1 });
        var custom = Node("Custom", ["y"], ["z"]);
        custom.Domain = "com.example.custom";
        model.Graph.Node.Add(custom);
        model.Graph.Output[0].Name = "z";
        Assert.Contains("com.example.custom", SingleError(model, "DNN6003").Message);
    }

    [Fact]
    public void UnknownOpsetDomainThatNoNodeUsesIsOnlyAWarning()
    {
        var model = ReluModel();
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "ai.onnx.preview", Version = 1 });
        var (graph, diagnostics) = TryImport(model);
        Assert.NotNull(graph);
        var warning = Assert.Single(diagnostics.Items);
        Assert.Equal("DNN6020", warning.Code);
        Assert.False(warning.IsError);
    }

    [Fact]
    public void MlDomainOpsAreUnsupported()
    {
        var model = ReluModel();
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "ai.onnx.ml", Version = 3 });
        var scaler = Node("Scaler", ["y"], ["z"]);
        scaler.Domain = "ai.onnx.ml";
        model.Graph.Node.Add(scaler);
        model.Graph.Output[0].Name = "z";
        Assert.Contains("ai.onnx.ml.Scaler", SingleError(model, "DNN6002").Message);
    }

    [Fact]
    public void OpsetOutsideTheSupportedRangeIsReported()
    {
        Assert.Contains("opset 6", SingleError(ReluModel(6), "DNN6004").Message);
        var (graph, diagnostics) = TryImport(ReluModel(23));
        Assert.NotNull(graph);
        Assert.Contains(diagnostics.Items, d => d.Code == "DNN6005" && !d.IsError);
    }

    [Fact]
    public void MissingDefaultOpsetIsReported()
    {
        var model = ReluModel();
        model.OpsetImport.Clear();
        SingleError(model, "DNN6001");
    }

    [Fact]
    public void UnsupportedOpsAreListedInOneDiagnosticWithTheirNodes()
    {
        var model = Model(13, Graph(
        [
            Node("Relu", ["x"], ["a"]), Node("Hardmax", ["a"], ["b"]), Node("Det", ["b"], ["c"]), Node("Hardmax", ["c"], ["d"]),
        ], [Input("x", 3, 3)], ["d"]));
        var error = SingleError(model, "DNN6002");
        Assert.Contains("2 unsupported operator(s)", error.Message);
        Assert.Contains("Det (nodes: 'Det_c')", error.Message);
        Assert.Contains("Hardmax (nodes: 'Hardmax_b', 'Hardmax_d')", error.Message);
    }

    [Fact]
    public void MaxPoolIndicesOfA3dPoolOrBeyondFloat32sExactRangeAreUnsupported()
    {
        var pool3d = Model(13, Graph([Node("MaxPool", ["x"], ["y", "i"], Attr("kernel_shape", 2L, 2, 2))],
            [Input("x", 1, 1, 4, 4, 4)], ["y", "i"]));
        Assert.Contains("Indices output of a 3-D MaxPool", SingleError(pool3d, "DNN6015").Message);

        var large = Model(13, Graph([Node("MaxPool", ["x"], ["y", "i"], Attr("kernel_shape", 2L, 2))],
            [Input("x", 1, 16, 1024, 1025)], ["y", "i"]));
        Assert.Contains("2^24", SingleError(large, "DNN6015").Message);
    }

    [Fact]
    public void ShapeInputFromRuntimeDataIsReported()
    {
        var model = Model(13, Graph([Node("Reshape", ["x", "s"], ["y"])], [Input("x", 4), TypedInput("s", Int64Type, 2)], ["y"]));
        Assert.Contains("target shape", SingleError(model, "DNN6018").Message);
    }

    [Fact]
    public void StringInputIsUnsupported() =>
        SingleError(Model(13, Graph([Node("Identity", ["x"], ["y"])], [TypedInput("x", 8, 2)], ["y"])), "DNN6013");
}
