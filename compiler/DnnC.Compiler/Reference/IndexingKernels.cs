using DnnC.Compiler.IR;

namespace DnnC.Compiler.Reference;

/// <summary>Slicing, gathering, padding, broadcasting and tiling: pure data movement.</summary>
internal static class IndexingKernels
{
    /// <summary>Output element (j0, j1, …) reads input (start0 + j0·step0, …).</summary>
    public static RefTensor Slice(SliceOp op, RefTensor x)
    {
        var shape = op.Sizes.ToArray();
        var inStrides = RefTensor.Strides(x.Shape);
        var y = new double[RefTensor.Count(shape)];
        ForEachIndex(shape, (flat, index) =>
        {
            long source = 0;
            for (int axis = 0; axis < index.Length; axis++)
                source += (op.Starts[axis] + (long)index[axis] * op.Steps[axis]) * inStrides[axis];
            y[flat] = x.Data[source];
        });
        return new RefTensor(shape, y);
    }

    public static RefTensor Gather(int axis, RefTensor x, RefTensor indices)
    {
        int outer = (int)RefTensor.Count(x.Shape[..axis]);
        int length = x.Shape[axis];
        int inner = (int)RefTensor.Count(x.Shape[(axis + 1)..]);
        int[] shape = [.. x.Shape[..axis], .. indices.Shape, .. x.Shape[(axis + 1)..]];
        var y = new double[RefTensor.Count(shape)];
        int n = indices.Data.Length;
        for (int j = 0; j < n; j++)
        {
            long index = (long)indices.Data[j];
            if (index < 0) index += length;
            if (index < 0 || index >= length)
                throw new ArgumentException($"gather index {indices.Data[j]} is out of range for an axis of {length}");
            for (int o = 0; o < outer; o++)
                Array.Copy(x.Data, ((long)o * length + index) * inner, y, ((long)o * n + j) * inner, inner);
        }
        return new RefTensor(shape, y);
    }

    public static RefTensor Pad(PadOp op, RefTensor x)
    {
        int rank = x.Rank;
        var shape = Enumerable.Range(0, rank).Select(i => x.Shape[i] + op.Pads[i] + op.Pads[i + rank]).ToArray();
        var inStrides = RefTensor.Strides(x.Shape);
        var y = new double[RefTensor.Count(shape)];
        ForEachIndex(shape, (flat, index) =>
        {
            long source = 0;
            for (int axis = 0; axis < rank; axis++)
            {
                int i = SourceIndex(op.Mode, index[axis] - op.Pads[axis], x.Shape[axis]);
                if (i < 0)
                {
                    y[flat] = op.Value;
                    return;
                }
                source += i * inStrides[axis];
            }
            y[flat] = x.Data[source];
        });
        return new RefTensor(shape, y);
    }

    /// <summary>The input index an out-of-range position reads under a pad mode; -1 for the constant.</summary>
    private static int SourceIndex(PadMode mode, int i, int length)
    {
        if (i >= 0 && i < length) return i;
        return mode switch
        {
            PadMode.Constant => -1,
            PadMode.Edge => Math.Clamp(i, 0, length - 1),
            PadMode.Wrap => ((i % length) + length) % length,
            PadMode.Reflect => Reflect(i, length),
            _ => throw new ArgumentOutOfRangeException(nameof(mode)),
        };
    }

    private static int Reflect(int i, int length)
    {
        if (length == 1) return 0;
        int period = 2 * (length - 1);
        int m = ((i % period) + period) % period;
        return m < length ? m : period - m;
    }

    public static RefTensor Expand(RefTensor x, int[] shape)
    {
        var index = RefTensor.BroadcastIndex(x.Shape, shape);
        var y = new double[index.Length];
        for (int i = 0; i < y.Length; i++) y[i] = x.Data[index[i]];
        return new RefTensor(shape, y);
    }

    public static RefTensor Tile(RefTensor x, int[] shape)
    {
        var inStrides = RefTensor.Strides(x.Shape);
        var y = new double[RefTensor.Count(shape)];
        ForEachIndex(shape, (flat, index) =>
        {
            long source = 0;
            for (int axis = 0; axis < index.Length; axis++) source += index[axis] % x.Shape[axis] * inStrides[axis];
            y[flat] = x.Data[source];
        });
        return new RefTensor(shape, y);
    }

    /// <summary>Visits every multi-index of <paramref name="shape"/> in row-major order.</summary>
    public static void ForEachIndex(int[] shape, Action<long, int[]> visit)
    {
        long count = RefTensor.Count(shape);
        var index = new int[shape.Length];
        for (long flat = 0; flat < count; flat++)
        {
            visit(flat, index);
            for (int axis = shape.Length - 1; axis >= 0; axis--)
            {
                if (++index[axis] < shape[axis]) break;
                index[axis] = 0;
            }
        }
    }
}
