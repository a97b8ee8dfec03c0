using System.Buffers.Binary;
using DnnC.Compiler.Onnx;
using DnnC.Compiler.Onnx.Proto;
using DnnC.Runtime.Numerics;
using Google.Protobuf;

namespace DnnC.Compiler.Tensors;

/// <summary>
/// ONNX TensorProto files, as the ONNX test suites store inputs and outputs. Every numeric element
/// type and BOOL is read exactly, from raw_data or the typed field (the importer's decoder, so a
/// file and an initializer mean the same thing), and written in raw_data little-endian.
/// </summary>
internal static class TensorProtoFormat
{
    public static (string? Name, TypedTensor Tensor) Read(string path, byte[] bytes)
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
        var type = (ElementType)proto.DataType;
        if (proto.DataType == 0) throw new TensorFileException(path, "the TensorProto has no data_type (UNDEFINED)");
        if (!ElementTypes.IsNumeric(type))
            throw new TensorFileException(path, $"data type {ElementTypes.Name(type)} is not supported (every numeric type and BOOL are)");
        var (shape, _) = TensorFiles.CheckedShape(path, proto.Dims);
        ConstTensor decoded;
        try
        {
            decoded = OnnxTensors.Decode(proto);
        }
        catch (TensorDecodeException e)
        {
            throw new TensorFileException(path, e.Message);
        }
        return (proto.Name.Length > 0 ? proto.Name : null, new TypedTensor(type, shape, decoded.ToDoubles()));
    }

    public static byte[] Encode(string name, TypedTensor tensor)
    {
        var proto = new TensorProto
        {
            Name = name,
            DataType = (int)tensor.Type,
            RawData = ByteString.CopyFrom(RawData(tensor)),
        };
        proto.Dims.AddRange(tensor.Shape.Select(d => (long)d));
        return proto.ToByteArray();
    }

    /// <summary>Little-endian storage of the values (already of the type: see <see cref="TypedTensor.FromHost"/>).</summary>
    internal static byte[] RawData(TypedTensor tensor)
    {
        var values = tensor.Values;
        int count = values.Length;
        switch (tensor.Type)
        {
            case ElementType.Float:
                return Fill(count, 4, (b, i) => BinaryPrimitives.WriteSingleLittleEndian(b, (float)values[i]));
            case ElementType.Double:
                return Fill(count, 8, (b, i) => BinaryPrimitives.WriteDoubleLittleEndian(b, values[i]));
            case ElementType.Int64:
                return Fill(count, 8, (b, i) => BinaryPrimitives.WriteInt64LittleEndian(b, (long)values[i]));
            case ElementType.UInt64:
                return Fill(count, 8, (b, i) => BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)values[i]));
            case ElementType.Bool:
                return Fill(count, 1, (b, i) => b[0] = values[i] != 0 ? (byte)1 : (byte)0);
        }
        var format = ElementTypes.Format(tensor.Type)
            ?? throw new ArgumentException($"element type {ElementTypes.Name(tensor.Type)} cannot be written");
        int bits = ElementCodec.StorageBits(format);
        var raw = new byte[ElementCodec.StorageBytes(format, count)];
        for (int i = 0; i < count; i++)
        {
            uint code = ElementCodec.Encode(format, values[i]);
            long bit = (long)i * bits;
            if (bits < 8) raw[bit / 8] |= (byte)(code << (int)(bit % 8));
            else for (int k = 0; k < bits / 8; k++) raw[bit / 8 + k] = (byte)(code >> (8 * k));
        }
        return raw;
    }

    private static byte[] Fill(int count, int size, Action<Span<byte>, int> write)
    {
        var raw = new byte[(long)count * size];
        for (int i = 0; i < count; i++) write(raw.AsSpan(i * size, size), i);
        return raw;
    }
}
