using System.Buffers.Binary;
using System.Text.Json;
using DnnC.Runtime;

namespace DnnC.Compiler.Syntax.Weights;

/// <summary>One tensor's header entry: dtype, shape and byte range within the data section.</summary>
public sealed record SafetensorsEntry(string Name, string DType, EquatableArray<int> Shape, long Begin, long End);

/// <summary>
/// A safetensors file: an 8-byte little-endian header length, a JSON header mapping each name to
/// {dtype, shape, data_offsets}, then the raw little-endian data. F32 and F16 are read; other
/// dtypes are listed, so a model that uses one gets a diagnostic naming it.
/// </summary>
public sealed class SafetensorsFile
{
    private readonly byte[] _data;
    private readonly long _dataStart;

    private SafetensorsFile(byte[] data, long dataStart, IReadOnlyDictionary<string, SafetensorsEntry> entries)
    {
        _data = data;
        _dataStart = dataStart;
        Entries = entries;
    }

    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }

    /// <summary>Parses a file's bytes; returns the problem as text when it is not valid safetensors.</summary>
    public static (SafetensorsFile? File, string? Error) Parse(byte[] bytes)
    {
        if (bytes.Length < 8) return (null, "the file is shorter than the 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)(bytes.Length - 8)) return (null, $"the header length {headerLength} runs past the end of the file");
        var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
        long dataStart = 8 + (long)headerLength;
        long dataLength = bytes.Length - dataStart;
        try
        {
            using var doc = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return (null, "the header is not a JSON object");
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__") continue;
                var (entry, error) = ReadEntry(prop.Name, prop.Value, dataLength);
                if (entry is null) return (null, error);
                entries[prop.Name] = entry;
            }
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            return (null, $"the header is not valid JSON ({e.Message})");
        }
        return (new SafetensorsFile(bytes, dataStart, entries), null);
    }

    private static (SafetensorsEntry? Entry, string? Error) ReadEntry(string name, JsonElement value, long dataLength)
    {
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array
            || offsets.GetArrayLength() != 2)
            return (null, $"entry '{name}' needs dtype, shape and data_offsets");
        var dims = new List<int>();
        foreach (var d in shape.EnumerateArray())
        {
            if (!d.TryGetInt32(out int dim) || dim < 0) return (null, $"entry '{name}' has an invalid shape");
            dims.Add(dim);
        }
        if (!offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < begin || end > dataLength)
            return (null, $"entry '{name}' has data_offsets outside the data section");
        if (dims.Aggregate(1.0, (a, d) => a * d) > int.MaxValue) return (null, $"entry '{name}' is too large");
        var entry = new SafetensorsEntry(name, dtype.GetString()!, dims.ToEquatableArray(), begin, end);
        int size = ElementSize(entry.DType);
        if (size > 0 && HostTensor.ElementCount(dims) * size != end - begin)
            return (null, $"entry '{name}' holds {end - begin} bytes but {entry.DType}{TensorShape(dims)} needs {HostTensor.ElementCount(dims) * size}");
        return (entry, null);
    }

    /// <summary>Bytes per element of the dtypes this reader converts; 0 for the others.</summary>
    public static int ElementSize(string dtype) => dtype switch { "F32" => 4, "F16" => 2, _ => 0 };

    /// <summary>The tensor as float32; null when its dtype is not F32 or F16.</summary>
    public HostTensor? Read(SafetensorsEntry entry)
    {
        int count = (int)HostTensor.ElementCount(entry.Shape);
        var span = _data.AsSpan((int)(_dataStart + entry.Begin), (int)(entry.End - entry.Begin));
        var values = new float[count];
        switch (entry.DType)
        {
            case "F32":
                for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(span[(4 * i)..]);
                break;
            case "F16":
                for (int i = 0; i < count; i++) values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(span[(2 * i)..]);
                break;
            default:
                return null;
        }
        return new HostTensor(entry.Shape.ToArray(), values);
    }

    private static string TensorShape(IEnumerable<int> dims) => "[" + string.Join(", ", dims) + "]";
}
