using System.Text;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Onnx;
using DnnC.Compiler.Onnx.Proto;
using DnnC.Compiler.Reference;
using DnnC.Runtime;
using Google.Protobuf;

namespace DnnC.Compiler.Tests.Onnx;

/// <summary>Builds small ONNX models in memory, imports them and runs them on the reference executor.</summary>
public static class OnnxModels
{
    public const int Float = 1, Int64Type = 7, Bool = 9;

    public static ModelProto Model(int opset, GraphProto graph, string domain = "")
    {
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "dnnc-tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = opset });
        return model;
    }

    public static GraphProto Graph(IEnumerable<NodeProto> nodes, IEnumerable<ValueInfoProto> inputs, IEnumerable<string> outputs,
        IEnumerable<TensorProto>? initializers = null)
    {
        var graph = new GraphProto { Name = "test" };
        graph.Node.AddRange(nodes);
        graph.Input.AddRange(inputs);
        graph.Output.AddRange(outputs.Select(o => new ValueInfoProto { Name = o }));
        if (initializers is not null) graph.Initializer.AddRange(initializers);
        return graph;
    }

    /// <summary>A tensor input; a negative dim is dynamic (named "d{index}").</summary>
    public static ValueInfoProto TypedInput(string name, int elemType, params long[] dims)
    {
        var shape = new TensorShapeProto();
        for (int i = 0; i < dims.Length; i++)
            shape.Dim.Add(dims[i] >= 0 ? new TensorShapeProto.Types.Dimension { DimValue = dims[i] }
                : new TensorShapeProto.Types.Dimension { DimParam = $"d{i}" });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType, Shape = shape } },
        };
    }

    public static ValueInfoProto Input(string name, params long[] dims) => TypedInput(name, Float, dims);

    public static NodeProto Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = outputs.Length > 0 ? $"{op}_{outputs[0]}" : op };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    public static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attr(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFrom(Encoding.UTF8.GetBytes(value)) };

    public static AttributeProto Attr(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Attr(string name, TensorProto value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };

    public static TensorProto FloatTensor(string name, HostTensor t)
    {
        var proto = new TensorProto { Name = name, DataType = Float };
        proto.Dims.AddRange(t.Shape.Select(d => (long)d));
        proto.FloatData.AddRange(t.Data);
        return proto;
    }

    public static TensorProto Int64Tensor(string name, long[] dims, params long[] values)
    {
        var proto = new TensorProto { Name = name, DataType = Int64Type };
        proto.Dims.AddRange(dims);
        proto.Int64Data.AddRange(values);
        return proto;
    }

    public static TensorProto Ints(string name, params long[] values) => Int64Tensor(name, [values.Length], values);

    public static (Graph? Graph, DiagnosticBag Diagnostics) TryImport(ModelProto model, IReadOnlyDictionary<string, int[]>? shapes = null)
    {
        var diagnostics = new DiagnosticBag();
        var graph = OnnxImporter.Load(model.ToByteArray(), "test.onnx", shapes ?? new Dictionary<string, int[]>(), diagnostics);
        return (graph, diagnostics);
    }

    public static Graph Import(ModelProto model, IReadOnlyDictionary<string, int[]>? shapes = null)
    {
        var (graph, diagnostics) = TryImport(model, shapes);
        Assert.True(graph is not null, string.Join("\n", diagnostics.Items.Select(d => $"{d.Code}: {d.Message}")));
        Assert.Empty(GraphVerifier.Verify(graph!));
        return graph!;
    }

    /// <summary>Imports and runs the model in float64; outputs by ONNX name.</summary>
    public static IReadOnlyDictionary<string, double[]> Run(ModelProto model, IReadOnlyDictionary<string, HostTensor> feeds,
        IReadOnlyDictionary<string, int[]>? shapes = null) =>
        ReferenceExecutor.RunDouble(Import(model, shapes), feeds);

    public static Diagnostic SingleError(ModelProto model, string code, IReadOnlyDictionary<string, int[]>? shapes = null) =>
        SingleError(model.ToByteArray(), code, shapes);

    public static Diagnostic SingleError(byte[] bytes, string code, IReadOnlyDictionary<string, int[]>? shapes = null)
    {
        var diagnostics = new DiagnosticBag();
        var graph = OnnxImporter.Load(bytes, "bad.onnx", shapes ?? new Dictionary<string, int[]>(), diagnostics);
        Assert.Null(graph);
        var all = string.Join("\n", diagnostics.Items.Select(d => $"{d.Code}: {d.Message}"));
        var match = diagnostics.Items.Where(d => d.Code == code).ToList();
        Assert.True(match.Count == 1, $"expected one {code}, got:\n{all}");
        Assert.True(match[0].IsError);
        return match[0];
    }
}
