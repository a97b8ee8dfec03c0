using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using DnnC.Runtime.Numerics;

namespace DnnC.Compiler.Tensors;

/// <summary>
/// NumPy's .npy format, versions 1.0 to 3.0: magic, version, header length, a Python dict
/// literal <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c>, then the data.
/// </summary>
internal static class NpyFormat
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static bool HasMagic(ReadOnlySpan<byte> bytes) => bytes.StartsWith(Magic);

    public static TypedTensor Read(string path, byte[] bytes)
    {
        if (bytes.Length < 10) throw new TensorFileException(path, "the .npy header is truncated");
        int major = bytes[6];
        int lengthSize = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw new TensorFileException(path, $".npy format version {major}.{bytes[7]} is not supported (1.0 to 3.0 are)"),
        };
        if (bytes.Length < 8 + lengthSize) throw new TensorFileException(path, "the .npy header is truncated");
        long headerLength = lengthSize == 2
            ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8))
            : BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        long dataStart = 8 + lengthSize + headerLength;
        if (dataStart > bytes.Length)
            throw new TensorFileException(path, $"the .npy header claims {headerLength} bytes but the file ends first");
        var encoding = major == 3 ? Encoding.UTF8 : Encoding.Latin1;
        string header = encoding.GetString(bytes, 8 + lengthSize, (int)headerLength);

        var fields = NpyHeader.Parse(path, header);
        if (fields.FortranOrder)
            throw new TensorFileException(path, "the array is stored in Fortran order; only C order is supported",
                TensorFileOperation.Read, "save it with np.save(path, np.ascontiguousarray(a))");
        var (shape, count) = TensorFiles.CheckedShape(path, fields.Shape);
        var (type, itemSize) = DType(path, fields.Descr);
        long expected = (long)count * itemSize;
        long actual = bytes.Length - dataStart;
        if (actual != expected)
            throw new TensorFileException(path,
                $"shape [{string.Join(", ", shape)}] of '{fields.Descr}' needs {expected} data bytes but the file has {actual}");
        return new TypedTensor(type, shape, Convert(type, bytes.AsSpan((int)dataStart), count, itemSize));
    }

    /// <summary>A C-order .npy (format 1.0) of the tensor's element type; null when NumPy has no such dtype.</summary>
    public static byte[] Encode(string path, TypedTensor tensor)
    {
        string descr = Descr(tensor.Type) ?? throw new TensorFileException(path,
            $"NumPy has no dtype for {ElementTypes.Name(tensor.Type)}", TensorFileOperation.Write, "write a .pb (TensorProto) instead");
        string shape = tensor.Shape.Length == 1
            ? $"({tensor.Shape[0]},)"
            : "(" + string.Join(", ", tensor.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")";
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        // NumPy pads the header with spaces and a newline so that the data starts 64-byte aligned.
        int unpadded = Magic.Length + 2 + 2 + dict.Length + 1;
        int padding = (64 - unpadded % 64) % 64;
        string header = dict + new string(' ', padding) + "\n";

        var data = TensorProtoFormat.RawData(tensor);
        var bytes = new byte[10 + header.Length + data.Length];
        Magic.CopyTo(bytes, 0);
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), checked((ushort)header.Length));
        Encoding.Latin1.GetBytes(header, bytes.AsSpan(10));
        data.CopyTo(bytes, 10 + header.Length);
        return bytes;
    }

    /// <summary>NumPy's little-endian dtype strings for the ONNX types NumPy has.</summary>
    private static readonly (string Descr, ElementType Type, int Size)[] DTypes =
    [
        ("<f2", ElementType.Float16, 2), ("<f4", ElementType.Float, 4), ("<f8", ElementType.Double, 8),
        ("|i1", ElementType.Int8, 1), ("<i2", ElementType.Int16, 2), ("<i4", ElementType.Int32, 4), ("<i8", ElementType.Int64, 8),
        ("|u1", ElementType.UInt8, 1), ("<u2", ElementType.UInt16, 2), ("<u4", ElementType.UInt32, 4), ("<u8", ElementType.UInt64, 8),
        ("|b1", ElementType.Bool, 1),
    ];

    private static string? Descr(ElementType type) => DTypes.Where(d => d.Type == type).Select(d => d.Descr).FirstOrDefault();

    private static (ElementType Type, int Size) DType(string path, string descr)
    {
        // One-byte types carry no byte order ('|'); NumPy also writes '<' or '=' for them on some platforms.
        string normal = descr.Length == 3 && descr[2] == '1' && descr[0] is '<' or '=' ? "|" + descr[1..] : descr;
        if (normal.Length == 3 && normal[0] == '=') normal = "<" + normal[1..];
        foreach (var d in DTypes)
            if (d.Descr == normal) return (d.Type, d.Size);
        throw new TensorFileException(path,
            $"dtype '{descr}' is not supported (little-endian float16/32/64, int8/16/32/64, uint8/16/32/64 and bool are)",
            TensorFileOperation.Read, "save it as a supported dtype, for example: np.save(path, a.astype(np.float32))");
    }

    private static double[] Convert(ElementType type, ReadOnlySpan<byte> data, int count, int size)
    {
        var result = new double[count];
        for (int i = 0; i < count; i++)
        {
            var b = data.Slice(i * size, size);
            result[i] = type switch
            {
                ElementType.Float16 => (double)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(b)),
                ElementType.Float => BinaryPrimitives.ReadSingleLittleEndian(b),
                ElementType.Double => BinaryPrimitives.ReadDoubleLittleEndian(b),
                ElementType.Int8 => (sbyte)b[0],
                ElementType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(b),
                ElementType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(b),
                ElementType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(b),
                ElementType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(b),
                ElementType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(b),
                ElementType.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(b),
                ElementType.Bool => b[0] != 0 ? 1 : 0,
                _ => b[0],   // UINT8
            };
        }
        return result;
    }
}
