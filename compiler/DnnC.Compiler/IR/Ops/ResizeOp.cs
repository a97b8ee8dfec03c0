using DnnC.Runtime;

namespace DnnC.Compiler.IR;

public enum ResizeMode { Nearest, Linear, Cubic }

public enum CoordinateMode { HalfPixel, HalfPixelSymmetric, PytorchHalfPixel, AlignCorners, Asymmetric, TfCropAndResize }

public enum NearestMode { RoundPreferFloor, RoundPreferCeil, Floor, Ceil }

/// <summary>
/// ONNX Resize (and Upsample), resolved to an output shape. Scales are the per-axis factors the
/// coordinate transform divides by (ONNX uses the given scales, not the size ratio, when both
/// could differ). Roi holds every axis's start, then every axis's end, for tf_crop_and_resize.
/// Antialias stretches the linear or cubic filter by 1/scale on every axis that shrinks.
/// </summary>
public sealed record ResizeOp(
    ResizeMode Mode,
    CoordinateMode Coordinates,
    NearestMode Nearest,
    EquatableArray<float> Scales,
    EquatableArray<int> Sizes,
    EquatableArray<float> Roi,
    float CubicCoeffA = -0.75f,
    bool ExcludeOutside = false,
    float ExtrapolationValue = 0,
    bool Antialias = false) : Op
{
    public override string Mnemonic => "resize";
    public override (int Min, int Max) Arity => (1, 1);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var x = inputs[0];
        if (Scales.Count != x.Rank || Sizes.Count != x.Rank)
            return ShapeResult.Fail($"scales and sizes need one entry per axis of {x}");
        if (Scales.Any(s => !(s > 0)) || Sizes.Any(s => s <= 0))
            return ShapeResult.Fail($"scales {string.Join(",", Scales)} and sizes {Ints(Sizes)} must be positive");
        if (Coordinates == CoordinateMode.TfCropAndResize && Roi.Count != 2 * x.Rank)
            return ShapeResult.Fail("tf_crop_and_resize needs a roi with two entries per axis");
        return ShapeResult.Ok(new TensorType(x.DType, Sizes));
    }

    public override IEnumerable<(string Key, string Value)> Attributes()
    {
        yield return ("mode", Mode.ToString().ToLowerInvariant());
        yield return ("coordinates", Coordinates.ToString());
        if (Mode == ResizeMode.Nearest) yield return ("nearest", Nearest.ToString());
        if (Mode == ResizeMode.Cubic) yield return ("cubic_a", Float(CubicCoeffA));
        if (ExcludeOutside) yield return ("exclude_outside", "1");
        if (Antialias) yield return ("antialias", "1");
        yield return ("scales", "[" + string.Join(",", Scales.Select(Float)) + "]");
        yield return ("sizes", Ints(Sizes));
        if (!Roi.IsEmpty) yield return ("roi", "[" + string.Join(",", Roi.Select(Float)) + "]");
        if (ExtrapolationValue != 0) yield return ("extrapolation", Float(ExtrapolationValue));
    }

    /// <summary>
    /// The input coordinate an output coordinate maps to, in float64 (ONNX's formulas). As in the
    /// ONNX reference, the resized length in the formulas is input length × scale, which is not
    /// the (floored) output size when a scale was given.
    /// </summary>
    public double SourceCoordinate(int axis, int outIndex, int inLength)
    {
        double scale = Scales[axis];
        double outLength = inLength * scale;
        double x = outIndex;
        return Coordinates switch
        {
            CoordinateMode.HalfPixel => (x + 0.5) / scale - 0.5,
            CoordinateMode.HalfPixelSymmetric => HalfPixelSymmetric(x, scale, Sizes[axis], inLength),
            CoordinateMode.PytorchHalfPixel => outLength > 1 ? (x + 0.5) / scale - 0.5 : 0,
            CoordinateMode.AlignCorners => outLength == 1 ? 0 : x * (inLength - 1) / (outLength - 1),
            CoordinateMode.Asymmetric => x / scale,
            CoordinateMode.TfCropAndResize => TfCrop(axis, x, outLength, inLength),
            _ => throw new ArgumentOutOfRangeException(nameof(Coordinates)),
        };
    }

    /// <summary>True when <paramref name="axis"/> uses the stretched (antialiased) filter: it shrinks.</summary>
    public bool IsAntialiased(int axis) => Antialias && Scales[axis] < 1;

    /// <summary>
    /// The antialiased filter of a shrinking axis at source coordinate x: the linear (triangle) or
    /// cubic (Keys) kernel stretched by 1/scale, over the 2·(⌊support/scale⌋ + 1) pixels around x,
    /// normalized to sum 1. As in the ONNX reference, x's left neighbour is ⌊x⌋, or x − 1 when x is
    /// whole; pixels past an edge read the edge, or with exclude_outside weigh 0 and the rest are
    /// renormalized. The reference executor and the lowering's tap tables both use this definition.
    /// </summary>
    public (int[] Index, double[] Weight) AntialiasTaps(int axis, double x, int length)
    {
        double scale = Math.Min((double)Scales[axis], 1.0);
        double ratio = x == Math.Floor(x) ? 1 : x - Math.Floor(x);
        int left = (int)(x - ratio);
        double support = Mode == ResizeMode.Linear ? 1 : 2;
        int first = (int)Math.Floor(-support / scale) + 1;
        int count = 2 - 2 * first;
        var index = new int[count];
        var weight = new double[count];
        for (int k = 0; k < count; k++)
        {
            int offset = first + k;
            double distance = Math.Abs((offset - ratio) * scale);
            weight[k] = Mode == ResizeMode.Linear ? Math.Max(0, 1 - distance) : distance < 2 ? CubicKernel(distance, CubicCoeffA) : 0;
            int i = left + offset;
            if (ExcludeOutside && (i < 0 || i >= length)) weight[k] = 0;
            index[k] = Math.Clamp(i, 0, length - 1);
        }
        double total = weight.Sum();
        for (int k = 0; k < count; k++) weight[k] /= total;
        return (index, weight);
    }

    /// <summary>Keys' cubic convolution kernel with coefficient a, at distance d in [0, 2].</summary>
    public static double CubicKernel(double d, double a) => d <= 1
        ? ((a + 2) * d - (a + 3)) * d * d + 1
        : ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;

    /// <summary>Here ONNX compares the integer output size with input length × scale.</summary>
    private static double HalfPixelSymmetric(double x, double scale, int outLength, int inLength)
    {
        double adjustment = outLength / (scale * inLength);
        double center = inLength / 2.0;
        double offset = center * (1 - adjustment);
        return offset + (x + 0.5) / scale - 0.5;
    }

    private double TfCrop(int axis, double x, double outLength, int inLength)
    {
        double start = Roi[axis], end = Roi[axis + Sizes.Count];
        return outLength > 1
            ? start * (inLength - 1) + x * (end - start) * (inLength - 1) / (outLength - 1)
            : 0.5 * (start + end) * (inLength - 1);
    }
}
