using DnnC.Compiler.IR;

namespace DnnC.Compiler.Reference;

/// <summary>
/// Resize as ONNX defines it: every output element is a weighted sum of input taps, the taps and
/// weights of each axis computed independently (nearest: one tap; linear: two; cubic: four).
/// </summary>
internal static class ResizeKernels
{
    /// <summary>One axis's taps for one output index; null when the position is outside tf_crop_and_resize's input.</summary>
    private sealed record Taps(int[] Index, double[] Weight);

    public static RefTensor Resize(ResizeOp op, RefTensor x)
    {
        int rank = x.Rank;
        var shape = op.Sizes.ToArray();
        var taps = new Taps?[rank][];
        for (int axis = 0; axis < rank; axis++)
        {
            taps[axis] = new Taps?[shape[axis]];
            for (int o = 0; o < shape[axis]; o++) taps[axis][o] = AxisTaps(op, axis, o, x.Shape[axis]);
        }
        var inStrides = RefTensor.Strides(x.Shape);
        var y = new double[RefTensor.Count(shape)];
        IndexingKernels.ForEachIndex(shape, (flat, index) =>
        {
            var chosen = new Taps[rank];
            for (int axis = 0; axis < rank; axis++)
            {
                var t = taps[axis][index[axis]];
                if (t is null)
                {
                    y[flat] = op.ExtrapolationValue;
                    return;
                }
                chosen[axis] = t;
            }
            y[flat] = Accumulate(x.Data, inStrides, chosen, 0, 0, 1);
        });
        return new RefTensor(shape, y);
    }

    private static double Accumulate(double[] data, long[] strides, Taps[] taps, int axis, long offset, double weight)
    {
        if (axis == taps.Length) return weight * data[offset];
        double sum = 0;
        var t = taps[axis];
        for (int k = 0; k < t.Index.Length; k++)
            if (t.Weight[k] != 0) sum += Accumulate(data, strides, taps, axis + 1, offset + t.Index[k] * strides[axis], weight * t.Weight[k]);
        return sum;
    }

    private static Taps? AxisTaps(ResizeOp op, int axis, int outIndex, int length)
    {
        double x = op.SourceCoordinate(axis, outIndex, length);
        if (op.Coordinates == CoordinateMode.TfCropAndResize && (x < 0 || x > length - 1)) return null;
        if (op.IsAntialiased(axis))
        {
            var (index, weight) = op.AntialiasTaps(axis, x, length);
            return new Taps(index, weight);
        }
        return op.Mode switch
        {
            ResizeMode.Nearest => new Taps([Math.Clamp(Round(op.Nearest, x), 0, length - 1)], [1.0]),
            ResizeMode.Linear => Linear(Math.Clamp(x, 0, length - 1), length),
            ResizeMode.Cubic => Cubic(x, length, op.CubicCoeffA, op.ExcludeOutside),
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };
    }

    private static int Round(NearestMode mode, double x)
    {
        double floor = Math.Floor(x);
        bool half = x - floor == 0.5;
        return (int)(mode switch
        {
            NearestMode.Floor => floor,
            NearestMode.Ceil => Math.Ceiling(x),
            NearestMode.RoundPreferFloor => half ? floor : Math.Round(x),
            NearestMode.RoundPreferCeil => half ? floor + 1 : Math.Round(x),
            _ => throw new ArgumentOutOfRangeException(nameof(mode)),
        });
    }

    private static Taps Linear(double x, int length)
    {
        int i0 = (int)Math.Floor(x);
        int i1 = Math.Min(i0 + 1, length - 1);
        double t = x - i0;
        return new Taps([i0, i1], [1 - t, t]);
    }

    /// <summary>Keys' cubic convolution with coefficient a; taps past the edge repeat the edge
    /// unless exclude_outside drops them and renormalizes.</summary>
    private static Taps Cubic(double x, int length, double a, bool excludeOutside)
    {
        int i0 = (int)Math.Floor(x);
        double t = x - i0;
        double[] distance = [1 + t, t, 1 - t, 2 - t];
        var weight = distance.Select(d => ResizeOp.CubicKernel(d, a)).ToArray();
        var index = new int[4];
        for (int k = 0; k < 4; k++)
        {
            int i = i0 - 1 + k;
            if (excludeOutside && (i < 0 || i >= length)) weight[k] = 0;
            index[k] = Math.Clamp(i, 0, length - 1);
        }
        if (excludeOutside)
        {
            double total = weight.Sum();
            for (int k = 0; k < 4; k++) weight[k] /= total;
        }
        return new Taps(index, weight);
    }
}
