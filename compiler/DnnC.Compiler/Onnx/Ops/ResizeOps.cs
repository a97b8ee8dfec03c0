using DnnC.Compiler.IR;

namespace DnnC.Compiler.Onnx;

/// <summary>
/// Resize (opsets 10, 11, 13, 18, 19) and Upsample (7, 9). Upsample and Resize-10 use the
/// asymmetric transform with floor rounding for nearest, which is what they meant before
/// Resize-11 made both choices explicit.
/// </summary>
internal static partial class OnnxOps
{
    private static void RegisterResizeOps(Dictionary<string, Action<NodeContext>> t)
    {
        t["Upsample"] = Upsample;
        t["Resize"] = Resize;
    }

    private static ResizeMode ModeOf(NodeContext n)
    {
        string mode = n.Str("mode", "nearest");
        return mode switch
        {
            "nearest" => ResizeMode.Nearest,
            "linear" or "bilinear" => ResizeMode.Linear,
            "cubic" => ResizeMode.Cubic,
            _ => throw n.Invalid($"unknown mode '{mode}'"),
        };
    }

    private static void Upsample(NodeContext n)
    {
        var x = n.Input(0);
        var scales = n.Opset < 9
            ? n.Floats("scales") ?? throw n.Invalid("scales are required")
            : n.ConstInput(1, "scales").ToFloats();
        LegacyResize(n, x, scales);
    }

    private static void LegacyResize(NodeContext n, ImportValue x, float[] scales)
    {
        var mode = ModeOf(n);
        if (mode == ResizeMode.Cubic) throw n.Invalid("cubic needs Resize-11 or later");
        if (scales.Length != x.Rank) throw n.Invalid($"{scales.Length} scales for rank {x.Rank}");
        var sizes = SizesFromScales(n, x.Shape, scales);
        var op = new ResizeOp(mode, CoordinateMode.Asymmetric, NearestMode.Floor, scales, sizes, []);
        n.SetOutput(0, Emit(n, x, op));
    }

    private static ImportValue Emit(NodeContext n, ImportValue x, ResizeOp op) =>
        op.Sizes.SequenceEqual(x.Shape) && op.Scales.All(s => s == 1) && op.Coordinates != CoordinateMode.TfCropAndResize
            ? x
            : n.Emit(op, x);

    private static int[] SizesFromScales(NodeContext n, int[] shape, float[] scales)
    {
        var sizes = new int[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            if (!(scales[i] > 0)) throw n.Invalid($"scale {scales[i]} must be positive");
            double size = Math.Floor(shape[i] * (double)scales[i]);
            if (size < 1 || size > Checked.MaxElements) throw n.Invalid($"scale {scales[i]} gives axis {i} a size of {size}");
            sizes[i] = (int)size;
        }
        return sizes;
    }

    private static void Resize(NodeContext n)
    {
        var x = n.Input(0);
        if (n.Opset < 11)
        {
            LegacyResize(n, x, n.ConstInput(1, "scales").ToFloats());
            return;
        }
        int rank = x.Rank;
        var axes = n.Ints("axes") is { } a ? n.Axes(a, rank) : Enumerable.Range(0, rank).ToArray();
        var scalesIn = n.OptionalConstInput(2, "scales") is { Count: > 0 } s ? s.ToFloats() : null;
        var sizesIn = n.OptionalConstInput(3, "sizes") is { Count: > 0 } z ? z.ToInt64s() : null;
        if ((scalesIn is null) == (sizesIn is null)) throw n.Invalid("exactly one of scales and sizes must be given");
        if ((scalesIn?.Length ?? sizesIn!.Length) != axes.Length)
            throw n.Invalid($"scales or sizes need {axes.Length} entries");

        var scales = Enumerable.Repeat(1f, rank).ToArray();
        var sizes = (int[])x.Shape.Clone();
        if (scalesIn is not null)
        {
            for (int i = 0; i < axes.Length; i++) scales[axes[i]] = scalesIn[i];
            sizes = SizesFromScales(n, x.Shape, scales);
        }
        else ResolveSizes(n, x.Shape, axes, sizesIn!, scales, sizes);

        var coordinates = CoordinatesOf(n);
        float[] roi = [];
        if (coordinates == CoordinateMode.TfCropAndResize)
        {
            var given = n.ConstInput(1, "roi").ToFloats();
            if (given.Length != 2 * axes.Length) throw n.Invalid($"roi needs {2 * axes.Length} entries");
            roi = [.. Enumerable.Repeat(0f, rank), .. Enumerable.Repeat(1f, rank)];
            for (int i = 0; i < axes.Length; i++)
            {
                roi[axes[i]] = given[i];
                roi[axes[i] + rank] = given[i + axes.Length];
            }
        }
        var op = new ResizeOp(ModeOf(n), coordinates, NearestOf(n), scales, sizes, roi,
            n.Float("cubic_coeff_a", -0.75f), n.Int("exclude_outside", 0) != 0, n.Float("extrapolation_value", 0),
            // Nearest ignores antialias; a filter that never shrinks is unchanged by it.
            Antialias: n.Int("antialias", 0) != 0 && ModeOf(n) != ResizeMode.Nearest && scales.Any(v => v < 1));
        n.SetOutput(0, Emit(n, x, op));
    }

    /// <summary>Sizes given: scales are their ratios, or one shared ratio under keep_aspect_ratio_policy.</summary>
    private static void ResolveSizes(NodeContext n, int[] shape, int[] axes, long[] requested, float[] scales, int[] sizes)
    {
        string policy = n.Str("keep_aspect_ratio_policy", "stretch");
        if (requested.Any(v => v <= 0 || v > Checked.MaxElements)) throw n.Invalid("sizes must be positive");
        if (policy == "stretch")
        {
            for (int i = 0; i < axes.Length; i++)
            {
                sizes[axes[i]] = (int)requested[i];
                scales[axes[i]] = (float)((double)requested[i] / shape[axes[i]]);
            }
            return;
        }
        var ratios = axes.Select((axis, i) => (double)requested[i] / shape[axis]).ToArray();
        double ratio = policy switch
        {
            "not_larger" => ratios.Min(),
            "not_smaller" => ratios.Max(),
            _ => throw n.Invalid($"unknown keep_aspect_ratio_policy '{policy}'"),
        };
        foreach (int axis in axes)
        {
            scales[axis] = (float)ratio;
            sizes[axis] = (int)Math.Round(ratio * shape[axis], MidpointRounding.ToEven);
        }
    }

    private static CoordinateMode CoordinatesOf(NodeContext n)
    {
        string mode = n.Str("coordinate_transformation_mode", "half_pixel");
        return mode switch
        {
            "half_pixel" => CoordinateMode.HalfPixel,
            "half_pixel_symmetric" => CoordinateMode.HalfPixelSymmetric,
            "pytorch_half_pixel" => CoordinateMode.PytorchHalfPixel,
            "align_corners" => CoordinateMode.AlignCorners,
            "asymmetric" => CoordinateMode.Asymmetric,
            "tf_crop_and_resize" => CoordinateMode.TfCropAndResize,
            "tf_half_pixel_for_nn" => throw n.Unsupported("coordinate_transformation_mode 'tf_half_pixel_for_nn'"),
            _ => throw n.Invalid($"unknown coordinate_transformation_mode '{mode}'"),
        };
    }

    private static NearestMode NearestOf(NodeContext n)
    {
        string mode = n.Str("nearest_mode", "round_prefer_floor");
        return mode switch
        {
            "round_prefer_floor" => NearestMode.RoundPreferFloor,
            "round_prefer_ceil" => NearestMode.RoundPreferCeil,
            "floor" => NearestMode.Floor,
            "ceil" => NearestMode.Ceil,
            _ => throw n.Invalid($"unknown nearest_mode '{mode}'"),
        };
    }
}
