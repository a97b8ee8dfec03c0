namespace DnnC.Compiler.Reference;

/// <summary>
/// An intermediate value of the reference executor: a row-major shape and float64 data.
/// Kept in double between nodes so that the oracle adds no float32 rounding of its own.
/// </summary>
internal sealed record RefTensor(int[] Shape, double[] Data)
{
    public int Rank => Shape.Length;

    public static RefTensor Zeros(int[] shape) => new(shape, new double[checked((int)Count(shape))]);

    public static long Count(IReadOnlyList<int> shape)
    {
        long count = 1;
        foreach (int d in shape) count = checked(count * d);
        return count;
    }

    /// <summary>Row-major strides of <paramref name="shape"/>.</summary>
    public static long[] Strides(IReadOnlyList<int> shape)
    {
        var strides = new long[shape.Count];
        long s = 1;
        for (int i = shape.Count - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= shape[i];
        }
        return strides;
    }

    /// <summary>
    /// Strides for reading a tensor of <paramref name="shape"/> as if it had
    /// <paramref name="target"/>'s shape under numpy broadcasting: 0 on broadcast axes.
    /// </summary>
    public static long[] BroadcastStrides(IReadOnlyList<int> shape, IReadOnlyList<int> target)
    {
        var own = Strides(shape);
        var result = new long[target.Count];
        int lead = target.Count - shape.Count;
        for (int i = 0; i < shape.Count; i++)
            result[lead + i] = shape[i] == 1 ? 0 : own[i];
        return result;
    }

    /// <summary>
    /// For every element of <paramref name="target"/> in row-major order, the flat index to read
    /// in a tensor of <paramref name="shape"/> broadcast to it.
    /// </summary>
    public static int[] BroadcastIndex(IReadOnlyList<int> shape, IReadOnlyList<int> target)
    {
        var strides = BroadcastStrides(shape, target);
        var index = new int[checked((int)Count(target))];
        var counter = new int[target.Count];
        long offset = 0;
        for (int flat = 0; flat < index.Length; flat++)
        {
            index[flat] = (int)offset;
            // Odometer increment over the target's axes, last axis fastest.
            for (int axis = target.Count - 1; axis >= 0; axis--)
            {
                offset += strides[axis];
                if (++counter[axis] < target[axis]) break;
                offset -= strides[axis] * target[axis];
                counter[axis] = 0;
            }
        }
        return index;
    }

    /// <summary>Numpy broadcast of two shapes; throws when they do not broadcast.</summary>
    public static int[] BroadcastShape(IReadOnlyList<int> a, IReadOnlyList<int> b) =>
        IR.Op.Broadcast(a, b)
        ?? throw new ArgumentException($"shapes [{string.Join(", ", a)}] and [{string.Join(", ", b)}] do not broadcast");
}
