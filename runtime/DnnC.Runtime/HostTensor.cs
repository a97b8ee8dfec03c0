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

    public static long ElementCount(IReadOnlyList<int> shape)
    {
        long count = 1;
        foreach (int d in shape) count = checked(count * d);
        return count;
    }

    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
