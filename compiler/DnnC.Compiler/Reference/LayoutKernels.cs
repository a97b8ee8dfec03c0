namespace DnnC.Compiler.Reference;

/// <summary>Data movement: concatenation, reshapes and transposes.</summary>
internal static class LayoutKernels
{
    public static RefTensor Concat(IReadOnlyList<RefTensor> parts, int axis)
    {
        var shape = (int[])parts[0].Shape.Clone();
        shape[axis] = parts.Sum(p => p.Shape[axis]);
        int outer = (int)RefTensor.Count(shape[..axis]);
        int inner = (int)RefTensor.Count(shape[(axis + 1)..]);
        var y = new double[RefTensor.Count(shape)];
        long rowOut = (long)shape[axis] * inner;
        long offset = 0;
        foreach (var part in parts)
        {
            // Each part contributes a contiguous block of Shape[axis]·inner per outer index.
            long block = (long)part.Shape[axis] * inner;
            for (int o = 0; o < outer; o++)
                Array.Copy(part.Data, o * block, y, o * rowOut + offset, block);
            offset += block;
        }
        return new RefTensor(shape, y);
    }

    /// <summary>Reshape and flatten keep row-major data as is.</summary>
    public static RefTensor Reshape(RefTensor x, int[] shape) => new(shape, x.Data);

    /// <summary>Output axis i is input axis perm[i].</summary>
    public static RefTensor Transpose(RefTensor x, IReadOnlyList<int> perm)
    {
        int rank = x.Rank;
        var shape = perm.Select(p => x.Shape[p]).ToArray();
        var inStrides = RefTensor.Strides(x.Shape);
        var y = new double[x.Data.Length];
        var counter = new int[rank];
        for (int flat = 0; flat < y.Length; flat++)
        {
            long source = 0;
            for (int axis = 0; axis < rank; axis++) source += counter[axis] * inStrides[perm[axis]];
            y[flat] = x.Data[source];
            for (int axis = rank - 1; axis >= 0; axis--)
            {
                if (++counter[axis] < shape[axis]) break;
                counter[axis] = 0;
            }
        }
        return new RefTensor(shape, y);
    }
}
