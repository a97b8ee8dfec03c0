using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace DnnC.Compiler.Tests.Syntax;

/// <summary>A test-only safetensors writer, independent of the reader under test.</summary>
internal static class SafetensorsWriter
{
    public sealed record Tensor(string Name, string DType, int[] Shape, byte[] Data);

    public static Tensor F32(string name, int[] shape, float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        return new Tensor(name, "F32", shape, bytes);
    }

    public static Tensor F16(string name, int[] shape, float[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(2 * i), (Half)values[i]);
        return new Tensor(name, "F16", shape, bytes);
    }

    public static byte[] Write(IEnumerable<Tensor> tensors)
    {
        var header = new Dictionary<string, object> { ["__metadata__"] = new Dictionary<string, string> { ["format"] = "pt" } };
        var data = new MemoryStream();
        foreach (var t in tensors)
        {
            header[t.Name] = new { dtype = t.DType, shape = t.Shape, data_offsets = new[] { data.Length, data.Length + t.Data.Length } };
            data.Write(t.Data);
        }
        byte[] json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        var file = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        data.ToArray().CopyTo(file, 8 + json.Length);
        return file;
    }
}
