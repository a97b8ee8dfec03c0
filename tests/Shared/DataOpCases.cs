using DnnC.Compiler.IR;
using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Tests.Shared;

/// <summary>
/// Small graphs, one per variant of the data-movement and window ops (slice, gather, pad, expand,
/// tile, resize, conv_transpose, dilated pooling), shared by the CUDA-emulation tests and the
/// simulator tests, which both compare against the float64 reference executor. Sizes are odd and
/// not multiples of any tile or block, so tail handling is exercised.
/// </summary>
public static class DataOpCases
{
    public static IReadOnlyDictionary<string, Func<Graph>> All { get; } = new Dictionary<string, Func<Graph>>
    {
        ["slice_strided_reversed"] = () => Single([2, 7, 9, 5], (g, x) =>
            g.Add("s", new SliceOp([1, 0, 8, 4], [1, 3, -2, -1], [1, 3, 5, 5]), [x])),
        ["slice_then_relu"] = () => Single([3, 11], (g, x) =>
            g.Add("r", new ActivationOp(ActivationKind.Relu), [g.Add("s", new SliceOp([1, 2], [1, 4], [2, 3]), [x])!])),
        ["gather_constant_indices_negative"] = GatherConstant,
        ["gather_runtime_indices"] = GatherRuntime,
        ["gather_scalar_index_last_axis"] = () => Single([4, 6], (g, x) =>
            g.Add("ga", new GatherOp(1), [x, g.Constant("idx", new HostTensor([], [-2f]))])),
        ["pad_constant_value_and_crop"] = () => Single([2, 3, 5, 4], (g, x) =>
            g.Add("p", new PadOp(PadMode.Constant, [0, 1, 2, -1, 0, 0, 1, 3], 0.5f), [x])),
        ["pad_reflect"] = () => Single([1, 2, 5, 6], (g, x) =>
            g.Add("p", new PadOp(PadMode.Reflect, [0, 0, 4, 2, 0, 0, 3, 5], 0), [x])),
        ["pad_edge_3d"] = () => Single([3, 4, 7], (g, x) =>
            g.Add("p", new PadOp(PadMode.Edge, [1, 0, 3, 2, 2, 4], 0), [x])),
        ["pad_wrap_beyond_axis"] = () => Single([2, 3, 4], (g, x) =>
            g.Add("p", new PadOp(PadMode.Wrap, [0, 4, 5, 1, 2, 3], 0), [x])),
        ["data_ops_feeding_a_fused_chain"] = FusedChain,
        ["expand_broadcast"] = () => Single([3, 1, 5], (g, x) => g.Add("e", new ExpandOp([2, 3, 4, 5]), [x])),
        ["tile_repeats"] = () => Single([2, 3, 5], (g, x) => g.Add("t", new TileOp([2, 1, 3]), [x])),
        ["resize_nearest_modes"] = () => ResizeAll(ResizeMode.Nearest, [1, 3, 5, 7], [1, 1, 1.8f, 10f / 7], [1, 3, 9, 10]),
        ["resize_nearest_downsample"] = () => ResizeAll(ResizeMode.Nearest, [2, 2, 9, 11], [1, 1, 0.6f, 0.5f], [2, 2, 5, 5]),
        ["resize_linear_modes"] = () => ResizeAll(ResizeMode.Linear, [1, 2, 5, 7], [1, 1, 1.8f, 10f / 7], [1, 2, 9, 10]),
        ["resize_linear_downsample_3d"] = () => ResizeAll(ResizeMode.Linear, [3, 13, 6], [1, 0.7f, 0.5f], [3, 9, 3]),
        ["resize_linear_every_axis"] = () => ResizeAll(ResizeMode.Linear, [2, 3, 4, 5], [1.5f, 2, 0.75f, 1.4f], [3, 6, 3, 7]),
        ["resize_cubic_modes"] = () => ResizeAll(ResizeMode.Cubic, [1, 2, 6, 7], [1, 1, 1.5f, 0.6f], [1, 2, 9, 4]),
        ["resize_cubic_exclude_outside"] = () => Single([2, 3, 5, 8], (g, x) => g.Add("r",
            new ResizeOp(ResizeMode.Cubic, CoordinateMode.HalfPixel, NearestMode.RoundPreferFloor, [1, 1, 2.2f, 1.5f], [2, 3, 11, 12], [],
                CubicCoeffA: -0.5f, ExcludeOutside: true), [x])),
        ["resize_linear_antialias"] = () => ResizeAll(ResizeMode.Linear, [1, 2, 11, 9], [1, 1, 0.45f, 1.3f], [1, 2, 4, 11], antialias: true),
        ["resize_cubic_antialias_exclude_outside"] = () => Single([1, 3, 10, 12], (g, x) => g.Add("r",
            new ResizeOp(ResizeMode.Cubic, CoordinateMode.HalfPixel, NearestMode.RoundPreferFloor, [1, 1, 0.6f, 0.35f], [1, 3, 6, 4], [],
                ExcludeOutside: true, Antialias: true), [x])),
        ["conv_transpose_stride2_outpad_bias"] = () => ConvTranspose([2, 5, 7, 6], 70, 3, 3, strides: [2, 2], pads: [1, 1, 1, 0],
            dilations: [1, 1], outputPadding: [1, 0], groups: 1, bias: true),
        ["conv_transpose_grouped_dilated"] = () => ConvTranspose([1, 6, 5, 9], 9, 3, 2, strides: [1, 3], pads: [2, 0, 0, 1],
            dilations: [2, 1], outputPadding: [0, 2], groups: 3, bias: false),
        ["conv_transpose_then_relu"] = () => ConvTranspose([1, 4, 4, 4], 8, 4, 4, strides: [2, 2], pads: [1, 1, 1, 1],
            dilations: [1, 1], outputPadding: [0, 0], groups: 1, bias: true, relu: true),
        ["dilated_maxpool"] = () => Single([2, 3, 11, 10], (g, x) =>
            g.Add("mp", new DilatedPoolOp(PoolKind.Max, [3, 2], [2, 1], [1, 1, 2, 0], [2, 3]), [x])),
        ["dilated_avgpool_include_pad_ceil"] = () => Single([1, 4, 9, 8], (g, x) =>
            g.Add("ap", new DilatedPoolOp(PoolKind.Average, [3, 3], [2, 2], [1, 2, 2, 1], [2, 1], CountIncludePad: true, CeilMode: true), [x])),
        ["dilated_avgpool_exclude_pad"] = () => Single([1, 3, 8, 9], (g, x) =>
            g.Add("ap", new DilatedPoolOp(PoolKind.Average, [2, 3], [1, 2], [1, 0, 1, 2], [3, 2]), [x])),
        ["maxpool_indices_row_major"] = () => Single([2, 3, 9, 8], (g, x) => g.Add("mi",
            new DilatedPoolOp(PoolKind.Max, [3, 3], [2, 2], [1, 1, 1, 1], [1, 1], Output: PoolOutput.RowMajorIndex), [x])),
        ["maxpool_indices_column_major_dilated_ceil"] = () => Single([1, 4, 10, 7], (g, x) => g.Add("mi",
            new DilatedPoolOp(PoolKind.Max, [2, 3], [2, 1], [0, 1, 1, 0], [2, 2], CeilMode: true, Output: PoolOutput.ColumnMajorIndex), [x])),
        ["pool_pads_beyond_kernel"] = () => Single([1, 2, 5, 5], (g, x) =>
        {
            g.Output("m", g.Add("mp", new DilatedPoolOp(PoolKind.Max, [2, 2], [1, 1], [3, 3, 3, 3], [1, 1]), [x])!);
            return g.Add("ap", new DilatedPoolOp(PoolKind.Average, [2, 2], [2, 2], [3, 2, 2, 3], [1, 1], CountIncludePad: true), [x]);
        }),
    };

    /// <summary>Inputs for a case: uniform in [-1, 1), except inputs named "indices", which get integers in [-axis, axis).</summary>
    public static Dictionary<string, HostTensor> Inputs(Graph graph, int seed)
    {
        var random = new Random(seed);
        var inputs = new Dictionary<string, HostTensor>();
        foreach (var input in graph.Inputs)
        {
            var data = new float[input.Type.ElementCount];
            for (int i = 0; i < data.Length; i++)
                data[i] = input.Name == "indices" ? random.Next(-IndexRange, IndexRange) : (float)(random.NextDouble() * 2 - 1);
            inputs[input.Name] = new HostTensor(input.Type.Dims, data);
        }
        return inputs;
    }

    private const int IndexRange = 5;

    private static Graph Single(int[] shape, Func<GraphBuilder, string, string?> body)
    {
        var g = new GraphBuilder("case");
        string x = g.Input("x", TensorType.F32(shape));
        string? y = body(g, x);
        return Finish(g, y);
    }

    private static Graph Finish(GraphBuilder g, string? y)
    {
        if (y is null || g.Diagnostics.HasErrors)
            throw new InvalidOperationException("bad test case: " + string.Join("; ", g.Diagnostics.Items.Select(d => d.Message)));
        g.Output("y", y);
        return g.Build();
    }

    private static HostTensor Weights(Random random, params int[] shape)
    {
        var data = new float[HostTensor.ElementCount(shape)];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
        return new HostTensor(shape, data);
    }

    /// <summary>Indices as the IR holds them: floats, negatives counting from the end, over a weight.</summary>
    private static Graph GatherConstant()
    {
        var g = new GraphBuilder("case");
        string x = g.Input("x", TensorType.F32(3, 7, 5));
        string idx = g.Constant("idx", new HostTensor([2, 3], [0f, -1f, 6f, -7f, 3f, 3f]));
        return Finish(g, g.Add("ga", new GatherOp(1), [x, idx]));
    }

    /// <summary>Pad, tile and expand outputs meeting in an elementwise chain that fusion merges: relu(pad(x) · tile(z) + expand(b)).</summary>
    private static Graph FusedChain()
    {
        var g = new GraphBuilder("case");
        string x = g.Input("x", TensorType.F32(1, 3, 4, 5));
        string z = g.Input("z", TensorType.F32(1, 3, 3, 2));
        string b = g.Input("b", TensorType.F32(3, 1, 1));
        string padded = g.Add("p", new PadOp(PadMode.Edge, [0, 0, 1, 0, 0, 0, 1, 1], 0), [x])!;
        string tiled = g.Add("t", new TileOp([1, 1, 2, 3]), [z])!;
        string expanded = g.Add("e", new ExpandOp([1, 3, 6, 6]), [b])!;
        string product = g.Add("mul", new BinaryOp(BinaryKind.Mul), [padded, tiled])!;
        string sum = g.Add("add", new BinaryOp(BinaryKind.Add), [product, expanded])!;
        return Finish(g, g.Add("relu", new ActivationOp(ActivationKind.Relu), [sum]));
    }

    /// <summary>An embedding-style lookup: the table is a weight, the indices a graph input.</summary>
    private static Graph GatherRuntime()
    {
        var g = new GraphBuilder("case");
        string indices = g.Input("indices", TensorType.F32(4, 3));
        string table = g.Constant("table", Weights(new Random(3), IndexRange, 9));
        return Finish(g, g.Add("ga", new GatherOp(0), [table, indices]));
    }

    /// <summary>Every coordinate transform (and every nearest rounding) on one input, one output each.</summary>
    private static Graph ResizeAll(ResizeMode mode, int[] shape, float[] scales, int[] sizes, bool antialias = false)
    {
        var g = new GraphBuilder("case");
        string x = g.Input("x", TensorType.F32(shape));
        int rank = shape.Length;
        float[] roi = [.. Enumerable.Repeat(0.1f, rank), .. Enumerable.Repeat(0.85f, rank)];
        roi[rank - 1] = -0.2f; // part of the crop lies outside the input: extrapolation
        string? last = null;
        var nearest = mode == ResizeMode.Nearest ? Enum.GetValues<NearestMode>() : [NearestMode.RoundPreferFloor];
        foreach (var coordinates in Enum.GetValues<CoordinateMode>())
            foreach (var rounding in nearest)
            {
                var op = new ResizeOp(mode, coordinates, rounding, scales, sizes,
                    coordinates == CoordinateMode.TfCropAndResize ? roi : [], ExtrapolationValue: 0.25f, Antialias: antialias);
                string name = $"{coordinates}_{rounding}";
                last = g.Add(name, op, [x]);
                if (last is null) break;
                g.Output(name, last);
            }
        if (last is null || g.Diagnostics.HasErrors)
            throw new InvalidOperationException("bad test case: " + string.Join("; ", g.Diagnostics.Items.Select(d => d.Message)));
        return g.Build();
    }

    private static Graph ConvTranspose(int[] shape, int outChannels, int r, int s, int[] strides, int[] pads, int[] dilations,
        int[] outputPadding, int groups, bool bias, bool relu = false)
    {
        var random = new Random(outChannels * 31 + r);
        var g = new GraphBuilder("case");
        string x = g.Input("x", TensorType.F32(shape));
        var inputs = new List<string> { x, g.Constant("w", Weights(random, shape[1], outChannels / groups, r, s)) };
        if (bias) inputs.Add(g.Constant("b", Weights(random, outChannels)));
        string? y = g.Add("ct", new ConvTransposeOp(strides, pads, dilations, outputPadding, groups, bias), inputs);
        if (relu && y is not null) y = g.Add("relu", new ActivationOp(ActivationKind.Relu), [y]);
        return Finish(g, y);
    }
}
