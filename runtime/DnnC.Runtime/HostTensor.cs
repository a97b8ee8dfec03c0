namespace DnnC.Runtime;

/// <summary>
/// A float32 tensor in host memory, row-major (NCHW for images). The data array is owned by the
/// tensor and must not be mutated after construction: graphs and plans share these instances.
/// A tensor can also be <see cref="Deferred"/>: its values are computed on first read of
/// <see cref="Data"/>, once. Weights are deferred so that a build, which needs only their
/// shapes, never writes hundreds of megabytes it does not use (MLIR keeps splat constants
/// unexpanded for the same reason).
/// </summary>
public sealed class HostTensor
{
    private float[]? _data;
    private readonly Lazy<float[]>? _compute;

    public HostTensor(int[] shape, float[] data)
    {
        long count = ElementCount(shape);
        if (count != data.Length)
            throw new ArgumentException($"shape [{string.Join(",", shape)}] holds {count} elements but {data.Length} were given");
        Shape = shape;
        Length = data.Length;
        _data = data;
    }

    private HostTensor(int[] shape, Func<float[]> compute)
    {
        Shape = shape;
        Length = checked((int)ElementCount(shape));
        // ExecutionAndPublication: parallel readers (the simulator's workers) compute it once.
        _compute = new Lazy<float[]>(() =>
        {
            var data = compute();
            if (data.Length != Length)
                throw new InvalidOperationException($"a deferred tensor of shape {ShapeText} computed {data.Length} elements");
            return data;
        });
    }

    /// <summary>A tensor whose values <paramref name="compute"/> produces on first read, exactly once.</summary>
    public static HostTensor Deferred(int[] shape, Func<float[]> compute) => new(shape, compute);

    public int[] Shape { get; }
    public float[] Data => _data ??= _compute!.Value;
    public int Length { get; }

    /// <summary>False while a deferred tensor's values have not been computed yet.</summary>
    public bool IsMaterialized => _data is not null || _compute!.IsValueCreated;

    public static HostTensor Zeros(params int[] shape) => new(shape, new float[checked((int)ElementCount(shape))]);

    /// <summary>Row-major element strides of <paramref name="shape"/> (the last axis has stride 1).</summary>
    public static long[] RowMajorStrides(IReadOnlyList<int> shape)
    {
        var strides = new long[shape.Count];
        long stride = 1;
        for (int d = shape.Count - 1; d >= 0; d--)
        {
            strides[d] = stride;
            stride *= shape[d];
        }
        return strides;
    }

    public static long ElementCount(IReadOnlyList<int> shape)
    {
        long count = 1;
        foreach (int d in shape) count = checked(count * d);
        return count;
    }

    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
