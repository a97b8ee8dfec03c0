using DnnC.Compiler.Onnx.Proto;
using Google.Protobuf;
using DataType = DnnC.Compiler.Onnx.Proto.TensorProto.Types.DataType;

namespace DnnC.Conformance.Tests.Runner;

/// <summary>Small ONNX protos for tests.</summary>
public static class ProtoBuilders
{
    public static TensorProto Tensor(DataType type, long[] dims, byte[] raw, string name = "") =>
        new() { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(raw), Dims = { dims } };

    public static TensorProto Floats(long[] dims, params float[] values) =>
        Tensor(DataType.Float, dims, values.SelectMany(BitConverter.GetBytes).ToArray());

    public static TensorProto Int64s(params long[] values) =>
        Tensor(DataType.Int64, [values.Length], values.SelectMany(BitConverter.GetBytes).ToArray());

    public static NodeProto Node(string op, string[] inputs, string output, params AttributeProto[] attributes) =>
        new() { OpType = op, Name = output, Input = { inputs }, Output = { output }, Attribute = { attributes } };

    public static ValueInfoProto Value(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float, Shape = shape } },
        };
    }

    public static ModelProto Model(IEnumerable<NodeProto> nodes, IEnumerable<ValueInfoProto> inputs, IEnumerable<ValueInfoProto> outputs)
    {
        var graph = new GraphProto { Name = "g" };
        graph.Node.AddRange(nodes);
        graph.Input.AddRange(inputs);
        graph.Output.AddRange(outputs);
        return new ModelProto { IrVersion = 8, Graph = graph, OpsetImport = { new OperatorSetIdProto { Version = 13 } } };
    }
}
