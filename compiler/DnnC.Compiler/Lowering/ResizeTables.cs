using DnnC.Compiler.IR;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Lowering;

/// <summary>
/// Resolves a resize's coordinate transform into the per-axis tap tables of <see cref="ResizeSpec"/>,
/// in float64 on the host. Computing source coordinates in float32 on the device would move
/// nearest-mode ties (x.5 exactly) and the tf_crop_and_resize bounds, so the kernel only looks taps up.
/// </summary>
internal static class ResizeTables
{
    public static ResizeSpec Build(ResizeOp op, TensorType x, TensorType output)
    {
        var axes = new List<(int[] Index, double[] Weight)>[x.Rank];
        for (int axis = 0; axis < x.Rank; axis++)
        {
            int length = x[axis];
            axes[axis] = new();
            for (int o = 0; o < output[axis]; o++)
            {
                double source = op.SourceCoordinate(axis, o, length);
                var (i, w) = op.Coordinates == CoordinateMode.TfCropAndResize && (source < 0 || source > length - 1)
                    ? ([-1], [0.0])
                    : op.IsAntialiased(axis) ? op.AntialiasTaps(axis, source, length)
                    : op.Mode switch
                    {
                        ResizeMode.Nearest => ([Nearest(op.Nearest, source, length)], [1.0]),
                        ResizeMode.Linear => Linear(source, length),
                        _ => Cubic(source, length, op.CubicCoeffA, op.ExcludeOutside),
                    };
                axes[axis].Add(Canonical(i, w));
            }
        }
        // One tap count for every axis (the most any axis needs: antialiasing widens shrinking
        // axes); shorter lists are padded with weight-0 taps on their first index.
        int taps = axes.SelectMany(a => a).Select(t => t.Index.Length).DefaultIfEmpty(1).Max();
        var index = new List<int>();
        var weight = new List<float>();
        foreach (var (i, w) in axes.SelectMany(a => a))
        {
            index.AddRange(i.Concat(Enumerable.Repeat(i[0], taps - i.Length)));
            weight.AddRange(w.Select(v => (float)v).Concat(Enumerable.Repeat(0f, taps - w.Length)));
        }
        return new ResizeSpec(x.Shape, output.Shape, taps, [.. index], [.. weight], op.ExtrapolationValue);
    }

    /// <summary>
    /// A blend that is one input element (one weight of exactly 1, the rest 0) is written as tap 0,
    /// so that an axis the resize leaves alone is recognised as identity whatever the mode.
    /// </summary>
    private static (int[], double[]) Canonical(int[] index, double[] weight)
    {
        int[] live = [.. Enumerable.Range(0, weight.Length).Where(k => weight[k] != 0)];
        if (live.Length != 1 || weight[live[0]] != 1 || index[0] < 0) return (index, weight);
        var only = new double[weight.Length];
        only[0] = 1;
        return (Enumerable.Repeat(index[live[0]], index.Length).ToArray(), only);
    }

    /// <summary>ONNX's nearest_mode rounding, then clamped into the axis.</summary>
    private static int Nearest(NearestMode mode, double x, int length)
    {
        double floor = Math.Floor(x);
        bool tie = x - floor == 0.5;
        double rounded = mode switch
        {
            NearestMode.Floor => floor,
            NearestMode.Ceil => Math.Ceiling(x),
            NearestMode.RoundPreferFloor => tie ? floor : Math.Round(x),
            NearestMode.RoundPreferCeil => tie ? floor + 1 : Math.Round(x),
            _ => throw new ArgumentOutOfRangeException(nameof(mode)),
        };
        return (int)Math.Clamp(rounded, 0, length - 1);
    }

    /// <summary>The two neighbours of x clamped into the axis, weighted by distance.</summary>
    private static (int[], double[]) Linear(double x, int length)
    {
        double clamped = Math.Clamp(x, 0, length - 1);
        int i0 = (int)Math.Floor(clamped);
        double t = clamped - i0;
        return ([i0, Math.Min(i0 + 1, length - 1)], [1 - t, t]);
    }

    /// <summary>
    /// Keys' cubic convolution with coefficient a over the four neighbours of (unclamped) x. Taps
    /// past the edge read the edge, or with exclude_outside weigh 0 and the rest are renormalized.
    /// </summary>
    private static (int[], double[]) Cubic(double x, int length, double a, bool excludeOutside)
    {
        int i0 = (int)Math.Floor(x);
        double t = x - i0;
        var weights = new[] { 1 + t, t, 1 - t, 2 - t }.Select(d => ResizeOp.CubicKernel(d, a)).ToArray();
        var index = new int[4];
        for (int k = 0; k < 4; k++)
        {
            int i = i0 - 1 + k;
            if (excludeOutside && (i < 0 || i >= length)) weights[k] = 0;
            index[k] = Math.Clamp(i, 0, length - 1);
        }
        if (excludeOutside)
        {
            double total = weights.Sum();
            for (int k = 0; k < 4; k++) weights[k] /= total;
        }
        return (index, weights);
    }
}
