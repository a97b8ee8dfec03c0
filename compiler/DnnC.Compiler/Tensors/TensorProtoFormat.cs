using System.Buffers.Binary;
using DnnC.Compiler.Onnx.Proto;
using DnnC.Runtime;
using Google.Protobuf;
using DataType = DnnC.Compiler.Onnx.Proto.TensorProto.Types.DataType;

namespace DnnC.Compiler.Tensors;

/// <summary>
/// ONNX TensorProto files, as the ONNX test suites store inputs and outputs. FLOAT, DOUBLE,
/// INT32, INT64 and FLOAT16 are read, from raw_data or the typed field, and converted to float32.
/// </summary>
internal static class TensorProtoFormat
{
    private const int ExternalDataLocation = 1;

    public static (string? Name, HostTensor Tensor) Read(string path, byte[] bytes)
    {
        TensorProto proto;
        try
        {
            proto = TensorProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new TensorFileException(path, $"it is neither a .npy file nor a valid ONNX TensorProto ({e.Message})",
                TensorFileOperation.Read, inner: e);
        }
        if (proto.DataLocation == ExternalDataLocation || proto.ExternalData.Count > 0)
            throw new TensorFileException(path, "the tensor keeps its data in an external file, which is not supported");
        var (shape, count) = TensorFiles.CheckedShape(path, proto.Dims);
        var data = Decode(path, proto, count);
        return (proto.Name.Length > 0 ? proto.Name : null, new HostTensor(shape, data));
    }

    public static byte[] Encode(string name, HostTensor tensor)
    {
        var raw = new byte[(long)tensor.Length * 4];
        for (int i = 0; i < tensor.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), tensor.Data[i]);
        var proto = new TensorProto
        {
            Name = name,
            DataType = (int)DataType.Float,
            RawData = ByteString.CopyFrom(raw),
        };
        proto.Dims.AddRange(tensor.Shape.Select(d => (long)d));
        return proto.ToByteArray();
    }

    private static float[] Decode(string path, TensorProto proto, int count)
    {
        var type = (DataType)proto.DataType;
        var raw = proto.RawData.Span;
        return type switch
        {
            DataType.Float => FromRawOrTyped(path, type, raw, 4, proto.FloatData, count,
                (b, i) => BinaryPrimitives.ReadSingleLittleEndian(b[(i * 4)..]), v => v),
            DataType.Double => FromRawOrTyped(path, type, raw, 8, proto.DoubleData, count,
                (b, i) => (float)BinaryPrimitives.ReadDoubleLittleEndian(b[(i * 8)..]), v => (float)v),
            DataType.Int32 => FromRawOrTyped(path, type, raw, 4, proto.Int32Data, count,
                (b, i) => BinaryPrimitives.ReadInt32LittleEndian(b[(i * 4)..]), v => v),
            DataType.Int64 => FromRawOrTyped(path, type, raw, 8, proto.Int64Data, count,
                (b, i) => BinaryPrimitives.ReadInt64LittleEndian(b[(i * 8)..]), v => v),
            // FLOAT16 in int32_data holds the 16-bit pattern in the low bits of each entry.
            DataType.Float16 => FromRawOrTyped(path, type, raw, 2, proto.Int32Data, count,
                (b, i) => HalfBits(BinaryPrimitives.ReadUInt16LittleEndian(b[(i * 2)..])), v => HalfBits((ushort)v)),
            DataType.Undefined => throw new TensorFileException(path, "the TensorProto has no data_type (UNDEFINED)"),
            _ => throw new TensorFileException(path,
                $"data type {TypeName(proto.DataType)} is not supported (FLOAT, DOUBLE, INT32, INT64 and FLOAT16 are)",
                TensorFileOperation.Read, "convert the tensor to float32 before saving it"),
        };
    }

    private delegate float RawReader(ReadOnlySpan<byte> bytes, int index);

    private static float[] FromRawOrTyped<T>(
        string path, DataType type, ReadOnlySpan<byte> raw, int itemSize,
        IReadOnlyList<T> typed, int count, RawReader readRaw, Func<T, float> convert)
    {
        if (raw.Length > 0 && typed.Count > 0)
            throw new TensorFileException(path, $"the {type} tensor has both raw_data and typed data");
        if (raw.Length > 0 || typed.Count == 0)
        {
            // Checked before allocating, so the result is never larger than the file itself.
            if (raw.Length != (long)count * itemSize)
                throw new TensorFileException(path,
                    $"{count} {type} elements need {(long)count * itemSize} bytes of raw_data but it has {raw.Length}");
            var fromRaw = new float[count];
            for (int i = 0; i < count; i++) fromRaw[i] = readRaw(raw, i);
            return fromRaw;
        }
        if (typed.Count != count)
            throw new TensorFileException(path, $"the dims hold {count} elements but the {type} data has {typed.Count}");
        var result = new float[count];
        for (int i = 0; i < count; i++) result[i] = convert(typed[i]);
        return result;
    }

    private static float HalfBits(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);

    private static string TypeName(int dataType) =>
        Enum.IsDefined(typeof(DataType), dataType) ? ((DataType)dataType).ToString().ToUpperInvariant() : $"#{dataType}";
}
