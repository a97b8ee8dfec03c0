using DnnC.Compiler.Onnx.Proto;
using DnnC.Runtime.Numerics;
using Google.Protobuf;

namespace DnnC.EndToEnd.Tests;

/// <summary>Small ONNX models written to disk, for tests that run them through dnnc as a user would.</summary>
public static class OnnxFiles
{
    /// <summary>A tensor value info; a null dim is dynamic.</summary>
    public static ValueInfoProto Tensor(string name, ElementType type, params long?[] dims)
    {
        var shape = new TensorShapeProto();
        for (int i = 0; i < dims.Length; i++)
            shape.Dim.Add(dims[i] is long d ? new TensorShapeProto.Types.Dimension { DimValue = d }
                : new TensorShapeProto.Types.Dimension { DimParam = $"d{i}" });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    public static NodeProto Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = $"{op}_{outputs[0]}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    public static AttributeProto Attr(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attr(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    /// <summary>Writes the model into <paramref name="directory"/> as model.onnx and returns its path.</summary>
    public static string Write(string directory, int opset, IEnumerable<NodeProto> nodes, IEnumerable<ValueInfoProto> inputs, IEnumerable<ValueInfoProto> outputs)
    {
        var graph = new GraphProto { Name = "test" };
        graph.Node.AddRange(nodes);
        graph.Input.AddRange(inputs);
        graph.Output.AddRange(outputs);
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "dnnc-tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        string path = Path.Combine(directory, "model.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }
}
