using DnnC.Runtime;

namespace DnnC.Compiler.Onnx;

/// <summary>
/// A compile-time tensor of the importer: initializers, Constant outputs and folded values.
/// Float data stays float32 (what the model holds); integer and bool data are float64, exact up
/// to 2^53. A splat (ConstantOfShape) stores one value, so a large constant weight costs
/// nothing until the graph needs it, and float data decoded from the file is read on first use
/// (see <see cref="ToHost"/>).
/// </summary>
internal sealed class ConstTensor
{
    private readonly Lazy<float[]>? _floats;
    private readonly double[]? _doubles;
    private readonly double _splat;

    private ConstTensor(int[] shape, Lazy<float[]>? floats, double[]? doubles, double splat)
    {
        Shape = shape;
        Count = Checked.Count(shape);
        _floats = floats;
        _doubles = doubles;
        _splat = splat;
    }

    public int[] Shape { get; }
    public long Count { get; }
    public int Rank => Shape.Length;

    public static ConstTensor FromFloats(int[] shape, float[] data) => new(shape, new Lazy<float[]>(data), null, 0);

    /// <summary>Float data that <paramref name="decode"/> produces on first use; the caller has checked its length.</summary>
    public static ConstTensor FromFloats(int[] shape, Func<float[]> decode) => new(shape, new Lazy<float[]>(decode), null, 0);
    public static ConstTensor FromDoubles(int[] shape, double[] data) => new(shape, null, data, 0);
    public static ConstTensor Splat(int[] shape, double value) => new(shape, null, null, value);

    public double this[long i] => _floats is not null ? _floats.Value[i] : _doubles is not null ? _doubles[i] : _splat;

    public double[] ToDoubles()
    {
        if (_doubles is not null) return _doubles;
        var result = new double[Count];
        for (long i = 0; i < result.LongLength; i++) result[i] = this[i];
        return result;
    }

    public float[] ToFloats()
    {
        if (_floats is not null) return _floats.Value;
        var result = new float[Count];
        if (_doubles is null) Array.Fill(result, (float)_splat);
        else for (long i = 0; i < result.LongLength; i++) result[i] = (float)_doubles[i];
        return result;
    }

    /// <summary>The IR weight for this constant, computed when something first reads its values.</summary>
    public HostTensor ToHost() => HostTensor.Deferred((int[])Shape.Clone(), ToFloats);

    /// <summary>Integer view for shapes, axes and indices; values beyond long saturate (INT64_MAX in Slice ends).</summary>
    public long[] ToInt64s()
    {
        var result = new long[Count];
        for (long i = 0; i < result.LongLength; i++) result[i] = Checked.ToInt64(this[i]);
        return result;
    }

    public ConstTensor WithShape(int[] shape) => new(shape, _floats, _doubles, _splat);
}

/// <summary>Overflow-safe shape arithmetic shared by the importer.</summary>
internal static class Checked
{
    /// <summary>The largest element count the importer accepts (the IR's limit).</summary>
    public const long MaxElements = int.MaxValue;

    public static long Count(IReadOnlyList<int> shape)
    {
        long count = 1;
        foreach (int d in shape) count = d == 0 ? 0 : count > MaxElements ? count : count * d;
        return count;
    }

    /// <summary>The element count of ONNX dims, or an error text when a dim is negative or the count too large.</summary>
    public static string? ValidateDims(IReadOnlyList<long> dims)
    {
        long count = 1;
        foreach (long d in dims)
        {
            if (d < 0) return $"dimension {d} is negative in [{string.Join(", ", dims)}]";
            if (d > MaxElements) return $"dimension {d} exceeds 2^31 in [{string.Join(", ", dims)}]";
            count = d == 0 ? 0 : count * d;
            if (count > MaxElements) return $"[{string.Join(", ", dims)}] holds more than 2^31 elements";
        }
        return null;
    }

    public static long ToInt64(double v) =>
        double.IsNaN(v) ? 0 : v >= long.MaxValue ? long.MaxValue : v <= long.MinValue ? long.MinValue : (long)v;

    public static int ClampToInt(long v) => (int)Math.Clamp(v, int.MinValue, int.MaxValue);
}
