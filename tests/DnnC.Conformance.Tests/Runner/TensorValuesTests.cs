using DnnC.Conformance.Suite;
using Google.Protobuf;
using DataType = DnnC.Compiler.Onnx.Proto.TensorProto.Types.DataType;

namespace DnnC.Conformance.Tests.Runner;

public sealed class TensorValuesTests
{
    [Fact]
    public void DecodesRawDataOfNarrowTypesByValue()
    {
        var bools = TensorValues.Decode(ProtoBuilders.Tensor(DataType.Bool, [3], [1, 0, 1]).ToByteArray());
        Assert.Equal("BOOL", bools.DType);
        Assert.Equal([1.0, 0.0, 1.0], bools.Values);
        var int8 = TensorValues.Decode(ProtoBuilders.Tensor(DataType.Int8, [2], [0xFF, 0x7F]).ToByteArray());
        Assert.Equal([-1.0, 127.0], int8.Values);
        var half = TensorValues.Decode(ProtoBuilders.Tensor(DataType.Float16, [1], BitConverter.GetBytes((Half)1.5f)).ToByteArray());
        Assert.Equal([1.5], half.Values);
    }

    [Fact]
    public void DecodesTypedFieldsAndKeepsLargeIntegersExact()
    {
        var proto = new DnnC.Compiler.Onnx.Proto.TensorProto { DataType = (int)DataType.Int64, Dims = { 2 }, Int64Data = { 1L << 40, -3 } };
        var values = TensorValues.Decode(proto.ToByteArray());
        Assert.Equal([(double)(1L << 40), -3.0], values.Values);
        Assert.Equal([2], values.Shape);
    }

    [Fact]
    public void RejectsStringsAndWrongSizes()
    {
        var strings = new DnnC.Compiler.Onnx.Proto.TensorProto { DataType = (int)DataType.String, Dims = { 1 } };
        strings.StringData.Add(ByteString.CopyFromUtf8("a"));
        Assert.Throws<NotSupportedException>(() => TensorValues.Decode(strings.ToByteArray()));
        Assert.Throws<InvalidDataException>(() => TensorValues.Decode(ProtoBuilders.Tensor(DataType.Float, [2], [0, 0, 0, 0]).ToByteArray()));
    }
}
