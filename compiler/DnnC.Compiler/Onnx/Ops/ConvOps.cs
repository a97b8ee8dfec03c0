using DnnC.Compiler.IR;
using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Onnx;

/// <summary>
/// Convolutions and pooling. The IR ops are 2-D; 1-D ones run as 2-D with a height of 1,
/// 3-D pooling runs as two 2-D pools (see <see cref="Pool3d"/>), and 3-D convolutions are
/// reported as unsupported.
/// </summary>
internal static partial class OnnxOps
{
    private static void RegisterConvOps(Dictionary<string, Action<NodeContext>> t)
    {
        t["Conv"] = Conv;
        t["ConvTranspose"] = ConvTranspose;
        t["MaxPool"] = n => Pool(n, PoolKind.Max);
        t["AveragePool"] = n => Pool(n, PoolKind.Average);
        t["GlobalAveragePool"] = n => GlobalPool(n, PoolKind.Average);
        t["GlobalMaxPool"] = n => GlobalPool(n, PoolKind.Max);
    }

    /// <summary>The spatial attributes of a window op with explicit pads: 2-D, or 3-D for pooling.</summary>
    private sealed record Window(int[] Kernel, int[] Strides, int[] Dilations, int[] Pads);

    private static int SpatialRank(NodeContext n, ImportValue x, int supported = 2)
    {
        int spatial = x.Rank - 2;
        if (spatial < 1) throw n.Invalid($"input must be [N, C, spatial...], got rank {x.Rank}");
        if (spatial > supported)
            throw n.Unsupported($"{spatial}-D windows (DnnC supports {(supported == 2 ? "1-D and 2-D" : $"1-D to {supported}-D")} {n.OpType})");
        return spatial;
    }

    /// <summary>Reads kernel_shape, strides, dilations, pads and auto_pad; 1-D attributes gain a leading 1, 3-D ones stay 3-D.</summary>
    private static Window ReadWindow(NodeContext n, int[] input, int[] kernel, bool transposed = false)
    {
        int rank = kernel.Length;
        int[] Attr(string name, int fallback)
        {
            var values = n.Ints(name) is { } v ? ToInts(n, v, name) : Enumerable.Repeat(fallback, rank).ToArray();
            if (values.Length != rank) throw n.Invalid($"{name} has {values.Length} entries for {rank} spatial axes");
            return values;
        }
        var strides = Attr("strides", 1);
        var dilations = Attr("dilations", 1);
        if (strides.Any(s => s <= 0) || dilations.Any(d => d <= 0) || kernel.Any(k => k <= 0))
            throw n.Invalid("kernel, strides and dilations must be positive");
        var pads = n.Ints("pads") is { } p ? ToInts(n, p, "pads") : new int[2 * rank];
        if (pads.Length != 2 * rank) throw n.Invalid($"pads has {pads.Length} entries for {rank} spatial axes");
        string autoPad = n.Str("auto_pad", "NOTSET");
        if (!transposed && autoPad is "SAME_UPPER" or "SAME_LOWER" or "VALID")
        {
            for (int i = 0; i < rank; i++)
            {
                int effective = (kernel[i] - 1) * dilations[i] + 1;
                int total = autoPad == "VALID" ? 0
                    : Math.Max(0, ((input[i] + strides[i] - 1) / strides[i] - 1) * strides[i] + effective - input[i]);
                int small = total / 2, large = total - small;
                (pads[i], pads[i + rank]) = autoPad == "SAME_LOWER" ? (large, small) : (small, large);
            }
        }
        else if (autoPad != "NOTSET" && !transposed) throw n.Invalid($"unknown auto_pad '{autoPad}'");
        if (pads.Any(v => v < 0)) throw n.Unsupported("negative pads");
        return rank >= 2
            ? new Window(kernel, strides, dilations, pads)
            : new Window([1, kernel[0]], [1, strides[0]], [1, dilations[0]], [0, pads[0], 0, pads[1]]);
    }

    /// <summary>[N, C, L] as [N, C, 1, L]; the 2-D result goes back with <see cref="From2d"/>.</summary>
    private static ImportValue To2d(NodeContext n, ImportValue x) =>
        x.Rank == 3 ? Reshape(n, x, [x.Shape[0], x.Shape[1], 1, x.Shape[2]]) : x;

    private static ImportValue From2d(NodeContext n, ImportValue y, int spatial) =>
        spatial == 1 ? Reshape(n, y, [y.Shape[0], y.Shape[1], y.Shape[3]]) : y;

    private static void Conv(NodeContext n)
    {
        var x = n.Input(0);
        var w = n.Input(1);
        int spatial = SpatialRank(n, x);
        if (w.Rank != x.Rank) throw n.Invalid($"weights have rank {w.Rank} but the input has rank {x.Rank}");
        var kernel = w.Shape[2..];
        if (n.Ints("kernel_shape") is { } ks && !ToInts(n, ks, "kernel_shape").SequenceEqual(kernel))
            throw n.Invalid($"kernel_shape [{string.Join(", ", ks)}] differs from the weights' [{string.Join(", ", kernel)}]");
        var window = ReadWindow(n, x.Shape[2..], kernel);
        int groups = (int)n.Int("group", 1);
        var bias = n.OptionalInput(2);
        var op = new Conv2dOp(window.Strides, window.Pads, window.Dilations, groups, bias is not null,
            EquatableArray<EpilogueStep>.Empty);
        ImportValue[] inputs = bias is null ? [To2d(n, x), To2d(n, w)] : [To2d(n, x), To2d(n, w), bias];
        n.SetOutput(0, From2d(n, n.Emit(op, x.ElemType, inputs), spatial));
    }

    private static void ConvTranspose(NodeContext n)
    {
        var x = n.Input(0);
        var w = n.Input(1);
        int spatial = SpatialRank(n, x);
        if (w.Rank != x.Rank) throw n.Invalid($"weights have rank {w.Rank} but the input has rank {x.Rank}");
        var kernel = w.Shape[2..];
        var input = x.Shape[2..];
        var window = ReadWindow(n, input, kernel, transposed: true);
        var outputPadding = n.Ints("output_padding") is { } op ? ToInts(n, op, "output_padding") : new int[spatial];
        if (outputPadding.Length != spatial) throw n.Invalid("output_padding needs one entry per spatial axis");
        var pads = spatial == 2 ? window.Pads : [window.Pads[1], window.Pads[3]];
        pads = (int[])pads.Clone();
        string autoPad = n.Str("auto_pad", "NOTSET");
        var outputShape = n.Ints("output_shape") is { } os ? ToInts(n, os, "output_shape") : null;
        if (outputShape is not null && outputShape.Length == spatial + 2) outputShape = outputShape[2..];
        if (outputShape is not null || autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            var strides = spatial == 2 ? window.Strides : [window.Strides[1]];
            var dilations = spatial == 2 ? window.Dilations : [window.Dilations[1]];
            for (int i = 0; i < spatial; i++)
            {
                int wanted = outputShape?[i] ?? input[i] * strides[i];
                int total = strides[i] * (input[i] - 1) + outputPadding[i] + (kernel[i] - 1) * dilations[i] + 1 - wanted;
                if (total < 0)
                {
                    // A larger requested output is extra padding at the end.
                    outputPadding[i] -= total;
                    total = 0;
                }
                int half = total / 2;
                (pads[i], pads[i + spatial]) = autoPad == "SAME_UPPER" ? (half, total - half) : (total - half, half);
            }
        }
        else if (autoPad == "VALID") pads = new int[2 * spatial];
        else if (autoPad != "NOTSET") throw n.Invalid($"unknown auto_pad '{autoPad}'");
        if (pads.Any(p => p < 0)) throw n.Unsupported("negative pads");
        int groups = (int)n.Int("group", 1);
        var bias = n.OptionalInput(2);
        var convOp = new ConvTransposeOp(window.Strides,
            spatial == 2 ? pads : [0, pads[0], 0, pads[1]], window.Dilations,
            spatial == 2 ? outputPadding : [0, outputPadding[0]], groups, bias is not null);
        ImportValue[] inputs = bias is null ? [To2d(n, x), To2d(n, w)] : [To2d(n, x), To2d(n, w), bias];
        n.SetOutput(0, From2d(n, n.Emit(convOp, x.ElemType, inputs), spatial));
    }

    private static void Pool(NodeContext n, PoolKind kind)
    {
        var x = n.Input(0);
        int spatial = SpatialRank(n, x, supported: 3);
        var kernel = n.Ints("kernel_shape") is { } ks ? ToInts(n, ks, "kernel_shape") : throw n.Invalid("kernel_shape is required");
        if (kernel.Length != spatial) throw n.Invalid($"kernel_shape has {kernel.Length} entries for {spatial} spatial axes");
        var window = ReadWindow(n, x.Shape[2..], kernel);
        bool ceil = n.Int("ceil_mode", 0) != 0;
        bool includePad = n.Int("count_include_pad", 0) != 0;
        if (spatial == 3)
        {
            if (kind == PoolKind.Max && n.HasOutput(1)) throw n.Unsupported("the Indices output of a 3-D MaxPool");
            n.SetOutput(0, Pool3d(n, kind, x, window, includePad, ceil));
            return;
        }
        var planes = To2d(n, x);
        n.SetOutput(0, From2d(n, n.Emit(Pool2d(kind, window, includePad, ceil), planes), spatial));
        if (kind == PoolKind.Max && n.HasOutput(1)) n.SetOutput(1, From2d(n, MaxPoolIndices(n, planes, window, ceil), spatial));
    }

    /// <summary>
    /// MaxPool's Indices output: a second scan of the same windows that keeps where the first
    /// maximum is, as a flat index into the input (storage_order picks row- or column-major).
    /// </summary>
    private static ImportValue MaxPoolIndices(NodeContext n, ImportValue planes, Window window, bool ceil)
    {
        if (Checked.Count(planes.Shape) > DilatedPoolOp.MaxIndexedElements)
            throw n.Unsupported("the Indices output of an input with more than 2^24 elements (DnnC stores indices as float32)");
        var order = n.Int("storage_order", 0) switch
        {
            0 => PoolOutput.RowMajorIndex,
            1 => PoolOutput.ColumnMajorIndex,
            var other => throw n.Invalid($"storage_order must be 0 or 1, got {other}"),
        };
        var op = new DilatedPoolOp(PoolKind.Max, window.Kernel, window.Strides, window.Pads, window.Dilations, CeilMode: ceil, Output: order);
        return n.Emit(op, ElemTypes.Int64, planes);
    }

    /// <summary>A 2-D pool: the plain op when it can be, the dilated one (dilations, large pads, asymmetric ceil) otherwise.</summary>
    private static Op Pool2d(PoolKind kind, Window window, bool includePad, bool ceil)
    {
        var p = window.Pads;
        bool simple = window.Dilations.All(d => d == 1) && (!ceil || (p[0] == p[2] && p[1] == p[3]))
            && p[0] < window.Kernel[0] && p[2] < window.Kernel[0] && p[1] < window.Kernel[1] && p[3] < window.Kernel[1];
        return simple
            ? new PoolOp(kind, window.Kernel, window.Strides, window.Pads, includePad, ceil)
            : new DilatedPoolOp(kind, window.Kernel, window.Strides, window.Pads, window.Dilations, includePad, ceil);
    }

    /// <summary>
    /// [N, C, D, H, W] pooling as a 2-D pool over (H, W) of the N·C·D planes, then a pool over D
    /// (a window of height kd and width 1 over [N, C, D, H'·W']). A box window is separable: a max
    /// is the max over D of the maxes over (H, W); an average's divisor, the number of elements the
    /// box counts (with or without pads, clipped in ceil mode), is the product of the per-axis
    /// counts, and so is each output size. So the result equals the 3-D pool up to float rounding.
    /// </summary>
    private static ImportValue Pool3d(NodeContext n, PoolKind kind, ImportValue x, Window w, bool includePad, bool ceil)
    {
        var (k, st, dl, p) = (w.Kernel, w.Strides, w.Dilations, w.Pads);
        int batch = x.Shape[0], channels = x.Shape[1], depth = x.Shape[2];
        var planeWindow = new Window([k[1], k[2]], [st[1], st[2]], [dl[1], dl[2]], [p[1], p[2], p[4], p[5]]);
        var planes = n.Emit(Pool2d(kind, planeWindow, includePad, ceil),
            Reshape(n, x, [batch, channels * depth, x.Shape[3], x.Shape[4]]));
        int height = planes.Shape[2], width = planes.Shape[3];
        var depthWindow = new Window([k[0], 1], [st[0], 1], [dl[0], 1], [p[0], 0, p[3], 0]);
        var pooled = n.Emit(Pool2d(kind, depthWindow, includePad, ceil), Reshape(n, planes, [batch, channels, depth, height * width]));
        return Reshape(n, pooled, [batch, channels, pooled.Shape[2], height, width]);
    }

    private static void GlobalPool(NodeContext n, PoolKind kind)
    {
        var x = n.Input(0);
        if (x.Rank < 3) throw n.Invalid($"input must be [N, C, spatial...], got rank {x.Rank}");
        n.SetOutput(0, n.Emit(new GlobalPoolOp(kind), x));
    }
}
