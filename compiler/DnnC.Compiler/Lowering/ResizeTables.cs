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
        bool linear = op.Mode == ResizeMode.Linear;
        var lower = new List<int>();
        var upper = new List<int>();
        var weight = new List<float>();
        for (int axis = 0; axis < x.Rank; axis++)
        {
            int length = x[axis];
            for (int o = 0; o < output[axis]; o++)
            {
                double source = op.SourceCoordinate(axis, o, length);
                if (op.Coordinates == CoordinateMode.TfCropAndResize && (source < 0 || source > length - 1))
                {
                    lower.Add(-1);
                    upper.Add(-1);
                    weight.Add(0);
                    continue;
                }
                var (i0, i1, t) = linear ? Linear(source, length) : (Nearest(op.Nearest, source, length), 0, 0.0);
                lower.Add(i0);
                upper.Add(linear ? i1 : i0);
                weight.Add((float)t);
            }
        }
        return new ResizeSpec(x.Shape, output.Shape, linear, [.. lower], [.. upper], [.. weight], op.ExtrapolationValue);
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

    /// <summary>The two neighbours of x (clamped into the axis) and the weight of the upper one.</summary>
    private static (int Lower, int Upper, double Weight) Linear(double x, int length)
    {
        double clamped = Math.Clamp(x, 0, length - 1);
        int i0 = (int)Math.Floor(clamped);
        int i1 = Math.Min(i0 + 1, length - 1);
        return (i0, i1, clamped - i0);
    }
}
