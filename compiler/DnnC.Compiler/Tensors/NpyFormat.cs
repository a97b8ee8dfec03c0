using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using DnnC.Runtime;

namespace DnnC.Compiler.Tensors;

/// <summary>
/// NumPy's .npy format, versions 1.0 to 3.0: magic, version, header length, a Python dict
/// literal <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c>, then the data.
/// </summary>
internal static class NpyFormat
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static bool HasMagic(ReadOnlySpan<byte> bytes) => bytes.StartsWith(Magic);

    public static HostTensor Read(string path, byte[] bytes)
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
        int itemSize = ItemSize(path, fields.Descr);
        long expected = (long)count * itemSize;
        long actual = bytes.Length - dataStart;
        if (actual != expected)
            throw new TensorFileException(path,
                $"shape [{string.Join(", ", shape)}] of '{fields.Descr}' needs {expected} data bytes but the file has {actual}");
        return new HostTensor(shape, Convert(fields.Descr, bytes.AsSpan((int)dataStart), count));
    }

    public static byte[] Encode(HostTensor tensor)
    {
        string shape = tensor.Shape.Length == 1
            ? $"({tensor.Shape[0]},)"
            : "(" + string.Join(", ", tensor.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")";
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}";
        // NumPy pads the header with spaces and a newline so that the data starts 64-byte aligned.
        int unpadded = Magic.Length + 2 + 2 + dict.Length + 1;
        int padding = (64 - unpadded % 64) % 64;
        string header = dict + new string(' ', padding) + "\n";

        var bytes = new byte[10 + header.Length + (long)tensor.Length * 4];
        Magic.CopyTo(bytes, 0);
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), checked((ushort)header.Length));
        Encoding.Latin1.GetBytes(header, bytes.AsSpan(10));
        var data = bytes.AsSpan(10 + header.Length);
        for (int i = 0; i < tensor.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(data[(i * 4)..], tensor.Data[i]);
        return bytes;
    }

    private static int ItemSize(string path, string descr) => descr switch
    {
        "<f4" or "<i4" => 4,
        "<f8" or "<i8" => 8,
        _ => throw new TensorFileException(path, $"dtype '{descr}' is not supported (float32, float64, int32 and int64 are)",
            TensorFileOperation.Read, "save it as float32: np.save(path, a.astype(np.float32))"),
    };

    private static float[] Convert(string descr, ReadOnlySpan<byte> data, int count)
    {
        var result = new float[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = descr switch
            {
                "<f4" => BinaryPrimitives.ReadSingleLittleEndian(data[(i * 4)..]),
                "<i4" => BinaryPrimitives.ReadInt32LittleEndian(data[(i * 4)..]),
                "<f8" => (float)BinaryPrimitives.ReadDoubleLittleEndian(data[(i * 8)..]),
                _ => BinaryPrimitives.ReadInt64LittleEndian(data[(i * 8)..]),
            };
        }
        return result;
    }
}
