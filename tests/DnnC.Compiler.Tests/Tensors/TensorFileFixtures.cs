using System.Buffers.Binary;
using System.Text;
using DnnC.Compiler.Onnx.Proto;
using Google.Protobuf;

namespace DnnC.Compiler.Tests.Tensors;

/// <summary>A scratch directory per test, and hand-built .npy and TensorProto bytes.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dnnc-tensors-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, byte[] bytes)
    {
        System.IO.File.WriteAllBytes(File(name), bytes);
        return File(name);
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

public static class Fixtures
{
    /// <summary>A .npy file written by hand from the format description, independent of NpyFormat.</summary>
    public static byte[] Npy(string header, byte[] data, int major = 1)
    {
        var headerBytes = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(header + "\n");
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.Add((byte)major);
        bytes.Add(0);
        if (major == 1) bytes.AddRange(BitConverter.GetBytes((ushort)headerBytes.Length));
        else bytes.AddRange(BitConverter.GetBytes((uint)headerBytes.Length));
        bytes.AddRange(headerBytes);
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    public static string NpyHeader(string descr, string shape, bool fortran = false) =>
        $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";

    public static byte[] Floats(IEnumerable<float> values) =>
        values.SelectMany(v => { var b = new byte[4]; BinaryPrimitives.WriteSingleLittleEndian(b, v); return b; }).ToArray();

    public static byte[] Doubles(IEnumerable<double> values) =>
        values.SelectMany(v => { var b = new byte[8]; BinaryPrimitives.WriteDoubleLittleEndian(b, v); return b; }).ToArray();

    public static byte[] Int32s(IEnumerable<int> values) =>
        values.SelectMany(v => { var b = new byte[4]; BinaryPrimitives.WriteInt32LittleEndian(b, v); return b; }).ToArray();

    public static byte[] Int64s(IEnumerable<long> values) =>
        values.SelectMany(v => { var b = new byte[8]; BinaryPrimitives.WriteInt64LittleEndian(b, v); return b; }).ToArray();

    public static TensorProto Proto(TensorProto.Types.DataType type, long[] dims, string name = "t")
    {
        var proto = new TensorProto { DataType = (int)type, Name = name };
        proto.Dims.AddRange(dims);
        return proto;
    }

    public static byte[] Bytes(this TensorProto proto) => proto.ToByteArray();

    public static ByteString Raw(byte[] bytes) => ByteString.CopyFrom(bytes);
}
