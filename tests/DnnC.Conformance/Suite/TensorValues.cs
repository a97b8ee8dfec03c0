using System.Buffers.Binary;
using DnnC.Compiler.Onnx.Proto;
using DnnC.Runtime.Numerics;
using DataType = DnnC.Compiler.Onnx.Proto.TensorProto.Types.DataType;

namespace DnnC.Conformance.Suite;

/// <summary>A TensorProto's values widened to double, whatever its element type, plus that type's name.</summary>
public sealed record TensorValues(string Name, string DType, int[] Shape, double[] Values)
{
    /// <summary>Decodes every numeric type and BOOL; STRING and complex types throw <see cref="NotSupportedException"/>.</summary>
    public static TensorValues Decode(byte[] bytes)
    {
        var proto = TensorProto.Parser.ParseFrom(bytes);
        var type = (DataType)proto.DataType;
        var shape = proto.Dims.Select(d => checked((int)d)).ToArray();
        long count = 1;
        foreach (int d in shape) count = checked(count * d);
        var values = Decode(proto, type, checked((int)count));
        return new TensorValues(proto.Name, TypeName(type), shape, values);
    }

    public static string TypeName(DataType type) =>
        Enum.IsDefined(type) ? type.ToString().ToUpperInvariant() : $"#{(int)type}";

    private static double[] Decode(TensorProto proto, DataType type, int count)
    {
        var raw = proto.RawData.Span;
        if (Narrow(type) is { } format)
            return raw.Length > 0 || proto.Int32Data.Count == 0
                ? ElementCodec.DecodeRaw(format, raw, count)
                : proto.Int32Data.Select(code => ElementCodec.Decode(format, (uint)code)).ToArray();
        if (raw.Length > 0)
        {
            int size = ItemSize(type);
            if (raw.Length != (long)count * size)
                throw new InvalidDataException($"{count} {TypeName(type)} elements need {count * size} bytes, raw_data has {raw.Length}");
            var fromRaw = new double[count];
            for (int i = 0; i < count; i++) fromRaw[i] = ReadRaw(type, raw.Slice(i * size, size));
            return fromRaw;
        }
        // The typed field each element type uses when raw_data is empty (onnx.proto's comments).
        IEnumerable<double> typed = type switch
        {
            DataType.Float => proto.FloatData.Select(v => (double)v),
            DataType.Double => proto.DoubleData,
            DataType.Int64 => proto.Int64Data.Select(v => (double)v),
            DataType.Uint32 or DataType.Uint64 => proto.Uint64Data.Select(v => (double)v),
            DataType.Float16 => proto.Int32Data.Select(v => (double)BitConverter.UInt16BitsToHalf((ushort)v)),
            DataType.Bfloat16 => proto.Int32Data.Select(v => (double)BFloat16((ushort)v)),
            DataType.Int32 or DataType.Int16 or DataType.Int8 or DataType.Uint16 or DataType.Uint8 or DataType.Bool =>
                proto.Int32Data.Select(v => (double)v),
            _ => throw new NotSupportedException($"element type {TypeName(type)}"),
        };
        var values = typed.ToArray();
        if (values.Length != count)
            throw new InvalidDataException($"the dims hold {count} elements but the {TypeName(type)} data has {values.Length}");
        return values;
    }

    /// <summary>The 8-, 4- and 2-bit types, which <see cref="ElementCodec"/> decodes.</summary>
    private static ElementFormat? Narrow(DataType type) => type switch
    {
        DataType.Float8E4M3Fn => ElementFormat.Float8E4M3FN,
        DataType.Float8E4M3Fnuz => ElementFormat.Float8E4M3FNUZ,
        DataType.Float8E5M2 => ElementFormat.Float8E5M2,
        DataType.Float8E5M2Fnuz => ElementFormat.Float8E5M2FNUZ,
        DataType.Float4E2M1 => ElementFormat.Float4E2M1,
        DataType.Float8E8M0 => ElementFormat.Float8E8M0,
        DataType.Int4 => ElementFormat.Int4,
        DataType.Uint4 => ElementFormat.UInt4,
        DataType.Int2 => ElementFormat.Int2,
        DataType.Uint2 => ElementFormat.UInt2,
        _ => null,
    };

    private static int ItemSize(DataType type) => type switch
    {
        DataType.Double or DataType.Int64 or DataType.Uint64 => 8,
        DataType.Float or DataType.Int32 or DataType.Uint32 => 4,
        DataType.Float16 or DataType.Bfloat16 or DataType.Int16 or DataType.Uint16 => 2,
        DataType.Int8 or DataType.Uint8 or DataType.Bool => 1,
        _ => throw new NotSupportedException($"element type {TypeName(type)}"),
    };

    private static double ReadRaw(DataType type, ReadOnlySpan<byte> b) => type switch
    {
        DataType.Float => BinaryPrimitives.ReadSingleLittleEndian(b),
        DataType.Double => BinaryPrimitives.ReadDoubleLittleEndian(b),
        DataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(b),
        DataType.Uint64 => BinaryPrimitives.ReadUInt64LittleEndian(b),
        DataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(b),
        DataType.Uint32 => BinaryPrimitives.ReadUInt32LittleEndian(b),
        DataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(b),
        DataType.Uint16 => BinaryPrimitives.ReadUInt16LittleEndian(b),
        DataType.Float16 => (double)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(b)),
        DataType.Bfloat16 => BFloat16(BinaryPrimitives.ReadUInt16LittleEndian(b)),
        DataType.Int8 => (sbyte)b[0],
        _ => b[0], // UINT8, BOOL
    };

    private static float BFloat16(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);
}
