namespace DnnC.Runtime;

/// <summary>
/// A float32 tensor in host memory, row-major (NCHW for images). The data array is owned by the
/// tensor and must not be mutated after construction: graphs and plans share these instances.
/// </summary>
public sealed class HostTensor
{
    public HostTensor(int[] shape, float[] data)
    {
        long count = ElementCount(shape);
        if (count != data.Length)
            throw new ArgumentException($"shape [{string.Join(",", shape)}] holds {count} elements but {data.Length} were given");
        Shape = shape;
        Data = data;
    }

    public int[] Shape { get; }
    public float[] Data { get; }
    public int Length => Data.Length;

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
