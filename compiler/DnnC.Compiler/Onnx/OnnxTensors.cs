using System.Buffers.Binary;
using System.Runtime.InteropServices;
using DnnC.Compiler.Onnx.Proto;
using DnnC.Runtime.Numerics;

namespace DnnC.Compiler.Onnx;

/// <summary>A tensor that cannot be decoded; the importer turns it into a diagnostic.</summary>
internal sealed class TensorDecodeException(string detail, bool unsupportedType = false, bool badShape = false) : Exception(detail)
{
    public bool UnsupportedType { get; } = unsupportedType;
    public bool BadShape { get; } = badShape;
}

/// <summary>
/// Decodes TensorProto initializers and attributes. Every length is checked against the dims
/// before anything is allocated, so a corrupt file cannot ask for an absurd buffer.
/// </summary>
internal static class OnnxTensors
{
    public static ConstTensor Decode(TensorProto proto)
    {
        if (proto.DataLocation == 1 || proto.ExternalData.Count > 0)
            throw new TensorDecodeException("its data is in an external file, which DnnC does not read");
        if (Checked.ValidateDims(proto.Dims) is { } shapeError) throw new TensorDecodeException(shapeError, badShape: true);
        var shape = proto.Dims.Select(d => (int)d).ToArray();
        int count = (int)Checked.Count(shape);
        int type = proto.DataType;
        var raw = proto.RawData.Span;
        return type switch
        {
            ElemTypes.Float => FloatData(shape, proto, count),
            ElemTypes.Double => Doubles(shape, raw, 8, proto.DoubleData, count, (b, i) => BinaryPrimitives.ReadDoubleLittleEndian(b[(i * 8)..]), v => v),
            ElemTypes.Int64 => Doubles(shape, raw, 8, proto.Int64Data, count, (b, i) => BinaryPrimitives.ReadInt64LittleEndian(b[(i * 8)..]), v => v),
            ElemTypes.UInt64 => Doubles(shape, raw, 8, proto.Uint64Data, count, (b, i) => BinaryPrimitives.ReadUInt64LittleEndian(b[(i * 8)..]), v => v),
            ElemTypes.UInt32 => Doubles(shape, raw, 4, proto.Uint64Data, count, (b, i) => BinaryPrimitives.ReadUInt32LittleEndian(b[(i * 4)..]), v => v),
            ElemTypes.Int32 => Doubles(shape, raw, 4, proto.Int32Data, count, (b, i) => BinaryPrimitives.ReadInt32LittleEndian(b[(i * 4)..]), v => v),
            ElemTypes.Int16 => Doubles(shape, raw, 2, proto.Int32Data, count, (b, i) => BinaryPrimitives.ReadInt16LittleEndian(b[(i * 2)..]), v => (short)v),
            ElemTypes.UInt16 => Doubles(shape, raw, 2, proto.Int32Data, count, (b, i) => BinaryPrimitives.ReadUInt16LittleEndian(b[(i * 2)..]), v => (ushort)v),
            ElemTypes.Int8 => Doubles(shape, raw, 1, proto.Int32Data, count, (b, i) => (sbyte)b[i], v => (sbyte)v),
            ElemTypes.UInt8 => Doubles(shape, raw, 1, proto.Int32Data, count, (b, i) => b[i], v => (byte)v),
            ElemTypes.Bool => Doubles(shape, raw, 1, proto.Int32Data, count, (b, i) => b[i] != 0 ? 1 : 0, v => v != 0 ? 1 : 0),
            ElemTypes.Float16 => Doubles(shape, raw, 2, proto.Int32Data, count,
                (b, i) => (double)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(b[(i * 2)..])),
                v => (double)BitConverter.UInt16BitsToHalf((ushort)v)),
            ElemTypes.BFloat16 => Doubles(shape, raw, 2, proto.Int32Data, count,
                (b, i) => BFloat(BinaryPrimitives.ReadUInt16LittleEndian(b[(i * 2)..])), v => BFloat((ushort)v)),
            _ when ElemTypes.Format(type) is { } narrow => Narrow(shape, proto, raw, narrow, count),
            _ => throw new TensorDecodeException($"element type {ElemTypes.Name(type)} is not supported", unsupportedType: true),
        };
    }

    /// <summary>The 8-, 4- and 2-bit types: packed codes in raw_data, or one code per int32_data entry (8-bit only).</summary>
    private static ConstTensor Narrow(int[] shape, TensorProto proto, ReadOnlySpan<byte> raw, ElementFormat format, int count)
    {
        if (raw.Length > 0 && proto.Int32Data.Count > 0) throw new TensorDecodeException("it has both raw_data and typed data");
        if (raw.Length > 0 || count == 0)
        {
            long bytes = ElementCodec.StorageBytes(format, count);
            if (raw.Length != bytes)
                throw new TensorDecodeException($"its dims hold {count} elements, which take {bytes} bytes, but raw_data has {raw.Length}");
            return ConstTensor.FromDoubles(shape, ElementCodec.DecodeRaw(format, raw, count));
        }
        if (ElementCodec.StorageBits(format) < 8)
        {
            // onnx.proto: sub-byte types in int32_data hold one packed byte per entry (element 0 in the low bits).
            long bytes = ElementCodec.StorageBytes(format, count);
            if (proto.Int32Data.Count != bytes)
                throw new TensorDecodeException($"its dims hold {count} elements, which pack into {bytes} bytes, but int32_data has {proto.Int32Data.Count} entries");
            var packed = proto.Int32Data.Select(v => (byte)v).ToArray();
            return ConstTensor.FromDoubles(shape, ElementCodec.DecodeRaw(format, packed, count));
        }
        if (proto.Int32Data.Count != count)
            throw new TensorDecodeException($"its dims hold {count} elements but int32_data has {proto.Int32Data.Count}");
        return ConstTensor.FromDoubles(shape, proto.Int32Data.Select(code => ElementCodec.Decode(format, (uint)code)).ToArray());
    }

    private static double BFloat(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary>
    /// Float data is checked now and decoded on first use: a build reads only the weights' shapes,
    /// so it never copies a large model's weights out of the protobuf buffer.
    /// </summary>
    private static ConstTensor FloatData(int[] shape, TensorProto proto, int count)
    {
        CheckLength(proto.RawData.Length, proto.FloatData.Count, count, 4);
        return ConstTensor.FromFloats(shape, () =>
        {
            var data = new float[count];
            var raw = proto.RawData.Span;
            if (raw.Length > 0 && BitConverter.IsLittleEndian)
                MemoryMarshal.Cast<byte, float>(raw).CopyTo(data);   // ONNX stores little-endian, as this host is
            else if (raw.Length > 0)
                for (int i = 0; i < count; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..]);
            else
                proto.FloatData.CopyTo(data, 0);
            return data;
        });
    }

    private delegate double RawReader(ReadOnlySpan<byte> bytes, int index);

    private static ConstTensor Doubles<T>(int[] shape, ReadOnlySpan<byte> raw, int itemSize, IReadOnlyList<T> typed, int count,
        RawReader readRaw, Func<T, double> convert)
    {
        CheckLength(raw.Length, typed.Count, count, itemSize);
        var data = new double[count];
        if (raw.Length > 0)
            for (int i = 0; i < count; i++) data[i] = readRaw(raw, i);
        else
            for (int i = 0; i < count; i++) data[i] = convert(typed[i]);
        return ConstTensor.FromDoubles(shape, data);
    }

    private static void CheckLength(int rawBytes, int typedCount, int count, int itemSize)
    {
        if (rawBytes > 0 && typedCount > 0) throw new TensorDecodeException("it has both raw_data and typed data");
        if (rawBytes > 0 && rawBytes != (long)count * itemSize)
            throw new TensorDecodeException($"its dims hold {count} elements ({(long)count * itemSize} bytes) but raw_data has {rawBytes} bytes");
        if (rawBytes == 0 && typedCount != count)
            throw new TensorDecodeException($"its dims hold {count} elements but its data has {typedCount}");
    }
}
