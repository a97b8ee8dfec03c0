using DnnC.Compiler.IR;
using DnnC.Compiler.Onnx.Proto;
using DnnC.Compiler.Tests.Reference;
using DnnC.Runtime;
using static DnnC.Compiler.Tests.Onnx.OnnxModels;
using static DnnC.Compiler.Tests.Reference.RefHarness;

namespace DnnC.Compiler.Tests.Onnx;

/// <summary>
/// Imported ONNX nodes compute what the ONNX spec says, per opset, checked against float64
/// loops written here on seeded random inputs; shape subgraphs fold away.
/// </summary>
public class ImportSemanticsTests
{
    private static NTensor Each(int[] shape, Func<int[], double> f)
    {
        var y = new double[NTensor.Size(shape)];
        for (int i = 0; i < y.Length; i++) y[i] = f(NTensor.Unflatten(i, shape));
        return new NTensor(shape, y);
    }

    private static double[] RunOne(ModelProto model, HostTensor x, string output = "y") =>
        Run(model, new Dictionary<string, HostTensor> { ["x"] = x })[output];

    [Theory]
    [InlineData("MaxPool", 0L, 0L)]
    [InlineData("MaxPool", 0L, 1L)]
    [InlineData("AveragePool", 0L, 0L)]
    [InlineData("AveragePool", 1L, 0L)]
    [InlineData("AveragePool", 0L, 1L)]
    [InlineData("AveragePool", 1L, 1L)]
    public void Pool3dMatchesTheBoxWindowDefinition(string op, long countIncludePad, long ceilMode)
    {
        int[] input = [2, 2, 5, 6, 7];
        var x = Random(31, input, lo: -1, hi: 1);
        int[] kernel = [2, 3, 2], strides = [2, 2, 3], dilations = [2, 1, 2], padBegin = [1, 0, 2], padEnd = [0, 1, 1];
        var attributes = new List<AttributeProto>
        {
            Attr("kernel_shape", kernel.Select(v => (long)v).ToArray()),
            Attr("strides", strides.Select(v => (long)v).ToArray()),
            Attr("dilations", dilations.Select(v => (long)v).ToArray()),
            Attr("pads", padBegin.Concat(padEnd).Select(v => (long)v).ToArray()),
            Attr("ceil_mode", ceilMode),
        };
        if (op == "AveragePool") attributes.Add(Attr("count_include_pad", countIncludePad));
        var model = Model(19, Graph([Node(op, ["x"], ["y"], attributes.ToArray())], [Input("x", 2, 2, 5, 6, 7)], ["y"]));

        int[] outShape = [2, 2, .. Enumerable.Range(0, 3).Select(a =>
            Naive.PoolSize(input[a + 2], (kernel[a] - 1) * dilations[a] + 1, strides[a], padBegin[a], padEnd[a], ceilMode != 0))];
        // The 3-D window written out directly: the importer computes it as two 2-D pools.
        var expected = Each(outShape, o =>
        {
            var taps = new List<double>();
            int inPadded = 0;
            for (int kd = 0; kd < kernel[0]; kd++)
            for (int kh = 0; kh < kernel[1]; kh++)
            for (int kw = 0; kw < kernel[2]; kw++)
            {
                int[] k = [kd, kh, kw];
                var at = Enumerable.Range(0, 3).Select(a => o[a + 2] * strides[a] - padBegin[a] + k[a] * dilations[a]).ToArray();
                if (Enumerable.Range(0, 3).All(a => at[a] < input[a + 2] + padEnd[a])) inPadded++;
                if (Enumerable.Range(0, 3).All(a => at[a] >= 0 && at[a] < input[a + 2]))
                    taps.Add(N(x).At(o[0], o[1], at[0], at[1], at[2]));
            }
            return op == "MaxPool" ? taps.Max() : taps.Sum() / (countIncludePad != 0 ? inPadded : taps.Count);
        });

        AssertClose(expected.Data, RunOne(model, x), 1e-12, 1e-15, $"{op} 3-D");
    }

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void SoftmaxAxisFollowsTheOpset(int opset)
    {
        var x = Random(1, [2, 3, 4]);
        var model = Model(opset, Graph([Node("Softmax", ["x"], ["y"], Attr("axis", 1L))], [Input("x", 2, 3, 4)], ["y"]));
        // Before 13: normalized over the coerced [2, 12] rows; from 13: over axis 1 only.
        var expected = Each([2, 3, 4], i =>
        {
            var group = opset < 13
                ? Enumerable.Range(0, 12).Select(k => N(x).At(i[0], k / 4, k % 4))
                : Enumerable.Range(0, 3).Select(k => N(x).At(i[0], k, i[2]));
            return Math.Exp(N(x).At(i)) / group.Sum(Math.Exp);
        });
        AssertClose(expected.Data, RunOne(model, x), 1e-12, 1e-15, "softmax");
    }

    [Fact]
    public void ClipTakesAttributesBeforeOpset11AndInputsAfter()
    {
        var x = Random(2, [3, 4], 0.1, 2);
        var expected = N(x).Data.Select(v => Math.Clamp(v, -0.5, (double)0.75f)).ToArray();
        var attrs = Model(10, Graph([Node("Clip", ["x"], ["y"], Attr("min", -0.5f), Attr("max", 0.75f))], [Input("x", 3, 4)], ["y"]));
        AssertClose(expected, RunOne(attrs, x), 0, 0, "clip-10");
        var inputs = Model(13, Graph([Node("Clip", ["x", "lo", "hi"], ["y"])], [Input("x", 3, 4)], ["y"],
            [FloatTensor("lo", new HostTensor([], [-0.5f])), FloatTensor("hi", new HostTensor([], [0.75f]))]));
        AssertClose(expected, RunOne(inputs, x), 0, 0, "clip-13");
        var graph = Import(inputs);
        Assert.Contains(graph.Nodes, n => n.Op is ActivationOp { Kind: Runtime.Plan.ActivationKind.Clip });
        // Runtime bounds become max and min.
        var runtime = Model(13, Graph([Node("Clip", ["x", "", "hi"], ["y"])], [Input("x", 3, 4), Input("hi", 4)], ["y"]));
        var hi = Random(3, [4]);
        var result = Run(runtime, new Dictionary<string, HostTensor> { ["x"] = x, ["hi"] = hi })["y"];
        AssertClose(Each([3, 4], i => Math.Min(N(x).At(i), hi.Data[i[1]])).Data, result, 0, 0, "clip-runtime");
    }

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(18)]
    public void SplitSqueezeUnsqueezeAndReduceAcrossOpsets(int opset)
    {
        var x = Random(4, [2, 6, 1]);
        bool axesAsInputs = opset >= 13;
        var initializers = new List<TensorProto>();
        NodeProto WithAxes(string op, string input, string output, long[] axes, bool asInput)
        {
            if (!asInput) return Node(op, [input], [output], Attr("axes", axes));
            initializers.Add(Ints(output + "_axes", axes));
            return Node(op, [input, output + "_axes"], [output]);
        }
        var split = opset >= 18
            ? Node("Split", ["x"], ["a", "b"], Attr("axis", 1L), Attr("num_outputs", 2L))
            : axesAsInputs ? Node("Split", ["x", "sizes"], ["a", "b"], Attr("axis", 1L))
            : Node("Split", ["x"], ["a", "b"], Attr("axis", 1L), Attr("split", 3L, 3));
        if (axesAsInputs && opset < 18) initializers.Add(Ints("sizes", 3, 3));
        var model = Model(opset, Graph(
        [
            split,
            WithAxes("Squeeze", "b", "s", [-1], axesAsInputs),
            WithAxes("Unsqueeze", "s", "u", [0], axesAsInputs),
            WithAxes("ReduceSum", "u", "y", [2], axesAsInputs),
        ], [Input("x", 2, 6, 1)], ["y", "a"], initializers));
        var outputs = Run(model, new Dictionary<string, HostTensor> { ["x"] = x });
        // y[0, n] = Σ_c x[n, 3 + c, 0], keepdims → [1, 2, 1]; a = the first half.
        AssertClose(Each([1, 2, 1], i => Enumerable.Range(3, 3).Sum(c => N(x).At(i[1], c, 0))).Data, outputs["y"], 1e-15, 0, "y");
        AssertClose(Each([2, 3, 1], i => N(x).At(i)).Data, outputs["a"], 0, 0, "a");
    }

    [Fact]
    public void ReduceMeanWithEmptyAxesIsANoOpOnlyWhenAsked()
    {
        var x = Random(5, [2, 3]);
        var noop = Model(18, Graph([Node("ReduceMean", ["x"], ["y"], Attr("noop_with_empty_axes", 1L))], [Input("x", 2, 3)], ["y"]));
        AssertClose(N(x).Data, RunOne(noop, x), 0, 0, "noop");
        var all = Model(18, Graph([Node("ReduceMean", ["x"], ["y"], Attr("keepdims", 0L))], [Input("x", 2, 3)], ["y"]));
        AssertClose([N(x).Data.Average()], RunOne(all, x), 1e-15, 0, "all");
    }

    [Theory]
    [InlineData(9)]
    [InlineData(13)]
    public void SliceResolvesNegativeAndClampedBounds(int opset)
    {
        var x = Random(6, [5, 7]);
        // Python x[-1:-6:-2, 1:100]; steps exist from opset 10.
        long[] starts = [-1, 1], ends = [-6, 100], steps = [-2, 1];
        var node = opset < 10
            ? Node("Slice", ["x"], ["y"], Attr("starts", 1L, 1), Attr("ends", 5L, 100), Attr("axes", 0L, 1))
            : Node("Slice", ["x", "st", "en", "ax", "sp"], ["y"]);
        var model = Model(opset, Graph([node], [Input("x", 5, 7)], ["y"],
            [Ints("st", starts), Ints("en", ends), Ints("ax", 0, 1), Ints("sp", steps)]));
        var rows = opset < 10 ? new[] { 1, 2, 3, 4 } : PythonRange(-1, -6, -2, 5);
        var expected = rows.SelectMany(r => Enumerable.Range(1, 6).Select(c => N(x).At(r, c))).ToArray();
        AssertClose(expected, RunOne(model, x), 0, 0, "slice");
    }

    /// <summary>The indices Python's range(*slice(start, stop, step).indices(length)) visits.</summary>
    private static int[] PythonRange(int start, int stop, int step, int length)
    {
        var result = new List<int>();
        if (start < 0) start = Math.Max(start + length, step < 0 ? -1 : 0);
        if (stop < 0) stop = Math.Max(stop + length, step < 0 ? -1 : 0);
        start = Math.Min(start, step < 0 ? length - 1 : length);
        stop = Math.Min(stop, step < 0 ? length - 1 : length);
        for (int i = start; step > 0 ? i < stop : i > stop; i += step) result.Add(i);
        return result.ToArray();
    }

    [Theory]
    [InlineData(false, 1f, 1f, false)]
    [InlineData(true, 0.5f, 2f, false)]
    [InlineData(false, 1.5f, 0.25f, true)]
    [InlineData(true, 1f, 1f, true)]
    public void GemmMatchesItsFormula(bool transB, float alpha, float beta, bool runtimeB)
    {
        var x = Random(7, [4, 3]);
        var b = Random(8, transB ? [5, 4] : [4, 5]);
        var c = Random(9, [5]);
        var model = Model(13, Graph([Node("Gemm", ["x", "b", "c"], ["y"], Attr("transA", 1L), Attr("transB", transB ? 1L : 0L),
            Attr("alpha", alpha), Attr("beta", beta))],
            runtimeB ? [Input("x", 4, 3), Input("b", b.Shape.Select(d => (long)d).ToArray())] : [Input("x", 4, 3)], ["y"],
            runtimeB ? [FloatTensor("c", c)] : [FloatTensor("b", b), FloatTensor("c", c)]));
        var feeds = new Dictionary<string, HostTensor> { ["x"] = x };
        if (runtimeB) feeds["b"] = b;
        var expected = Each([3, 5], i =>
            alpha * Enumerable.Range(0, 4).Sum(k => N(x).At(k, i[0]) * (transB ? N(b).At(i[1], k) : N(b).At(k, i[1])))
            + beta * c.Data[i[1]]);
        AssertClose(expected.Data, Run(model, feeds)["y"], 1e-6, 1e-7, "gemm");
    }

    [Theory]
    [InlineData("SAME_UPPER", 1)]
    [InlineData("SAME_LOWER", 2)]
    [InlineData("VALID", 2)]
    public void ConvAutoPadMatchesExplicitPads(string autoPad, int stride)
    {
        var x = Random(10, [1, 2, 6, 7]);
        var w = Random(11, [4, 1, 3, 2]);
        var model = Model(13, Graph([Node("Conv", ["x", "w"], ["y"], Attr("auto_pad", autoPad), Attr("group", 2L),
            Attr("strides", (long)stride, stride), Attr("dilations", 2L, 1))], [Input("x", 1, 2, 6, 7)], ["y"], [FloatTensor("w", w)]));
        int[] padsFor(int input, int effective)
        {
            if (autoPad == "VALID") return [0, 0];
            int output = (input + stride - 1) / stride;
            int total = Math.Max(0, (output - 1) * stride + effective - input);
            return autoPad == "SAME_UPPER" ? [total / 2, total - total / 2] : [total - total / 2, total / 2];
        }
        var ph = padsFor(6, 5);
        var pw = padsFor(7, 2);
        var expected = Naive.Conv2d(N(x), N(w), null, [stride, stride], [ph[0], pw[0], ph[1], pw[1]], [2, 1], 2);
        AssertClose(expected.Data, RunOne(model, x), 1e-12, 1e-12, autoPad);
    }

    [Fact]
    public void Conv1dRunsAsConv2dWithHeightOne()
    {
        var x = Random(12, [2, 3, 9]);
        var w = Random(13, [4, 3, 3]);
        var bias = Random(14, [4]);
        var model = Model(13, Graph([Node("Conv", ["x", "w", "b"], ["y"], Attr("pads", 1L, 2), Attr("strides", new long[] { 2 }))],
            [Input("x", 2, 3, 9)], ["y"], [FloatTensor("w", w), FloatTensor("b", bias)]));
        var expected = Each([2, 4, 5], i => bias.Data[i[1]] + Enumerable.Range(0, 3).Sum(c => Enumerable.Range(0, 3).Sum(k =>
        {
            int p = i[2] * 2 - 1 + k;
            return p < 0 || p >= 9 ? 0 : N(x).At(i[0], c, p) * N(w).At(i[1], c, k);
        })));
        AssertClose(expected.Data, RunOne(model, x), 1e-12, 1e-12, "conv1d");
    }

    [Fact]
    public void ShapeSubgraphsFoldAway()
    {
        // The exporter pattern: y = x.reshape(x.shape[0], -1) written with Shape, Gather, Unsqueeze and Concat.
        var x = Random(15, [2, 3, 4]);
        var model = Model(13, Graph(
        [
            Node("Shape", ["x"], ["shape"]),
            Node("Gather", ["shape", "zero"], ["batch"], Attr("axis", 0L)),
            Node("Unsqueeze", ["batch", "axes0"], ["batch1"]),
            Node("Cast", ["batch1"], ["batch_f"], Attr("to", 1L)),
            Node("Cast", ["batch_f"], ["batch_i"], Attr("to", 7L)),
            Node("Concat", ["batch_i", "minus1"], ["target"], Attr("axis", 0L)),
            Node("Reshape", ["x", "target"], ["flat"]),
            Node("ConstantOfShape", ["target_shape"], ["ones"], Attr("value", FloatTensor("v", new HostTensor([1], [2f])))),
            Node("Mul", ["flat", "ones"], ["y"]),
        ], [Input("x", 2, 3, 4)], ["y"],
            [Int64Tensor("zero", [], 0), Ints("axes0", 0), Ints("minus1", -1), Ints("target_shape", 2, 12)]));
        var graph = Import(model);
        Assert.DoesNotContain(graph.Nodes, n => n.Op is GatherOp or ConcatOp);
        Assert.Equal(["const", "mul", "reshape"], graph.Nodes.Select(n => n.Op.Mnemonic).Order());
        AssertClose(N(x).Data.Select(v => 2 * v).ToArray(), RunOne(model, x), 0, 0, "folded");
    }

    [Fact]
    public void ComparisonsFeedWhereAtRunTime()
    {
        var x = Random(16, [3, 4]);
        var limit = Random(17, [4]);
        var model = Model(13, Graph(
            [Node("Greater", ["x", "limit"], ["mask"]), Node("Where", ["mask", "x", "zero"], ["y"])],
            [Input("x", 3, 4)], ["y", "mask"], [FloatTensor("limit", limit), FloatTensor("zero", new HostTensor([], [0f]))]));
        var outputs = Run(model, new Dictionary<string, HostTensor> { ["x"] = x });
        AssertClose(Each([3, 4], i => N(x).At(i) > limit.Data[i[1]] ? N(x).At(i) : 0).Data, outputs["y"], 0, 0, "where");
        AssertClose(Each([3, 4], i => N(x).At(i) > limit.Data[i[1]] ? 1 : 0).Data, outputs["mask"], 0, 0, "mask");
    }

    [Theory]
    [InlineData("DCR")]
    [InlineData("CRD")]
    public void DepthToSpaceAndBack(string mode)
    {
        var x = Random(18, [1, 8, 2, 3]);
        var model = Model(13, Graph([Node("DepthToSpace", ["x"], ["y"], Attr("blocksize", 2L), Attr("mode", mode))],
            [Input("x", 1, 8, 2, 3)], ["y"]));
        var expected = Each([1, 2, 4, 6], i =>
        {
            int by = i[2] % 2, bx = i[3] % 2;
            int channel = mode == "DCR" ? (by * 2 + bx) * 2 + i[1] : i[1] * 4 + by * 2 + bx;
            return N(x).At(0, channel, i[2] / 2, i[3] / 2);
        });
        AssertClose(expected.Data, RunOne(model, x), 0, 0, mode);
        var back = Model(13, Graph([Node("SpaceToDepth", ["x"], ["y"], Attr("blocksize", 2L))], [Input("x", 1, 2, 4, 6)], ["y"]));
        var s2d = RunOne(back, new HostTensor([1, 2, 4, 6], expected.Data.Select(v => (float)v).ToArray()));
        if (mode == "DCR") AssertClose(N(x).Data, s2d, 0, 0, "space_to_depth");
    }

    [Theory]
    [InlineData("nearest", "asymmetric", "floor")]
    [InlineData("nearest", "half_pixel", "round_prefer_ceil")]
    [InlineData("nearest", "align_corners", "round_prefer_floor")]
    [InlineData("linear", "half_pixel", "")]
    [InlineData("linear", "align_corners", "")]
    [InlineData("linear", "pytorch_half_pixel", "")]
    public void ResizeMatchesTheOnnxFormulas(string mode, string coordinates, string nearest)
    {
        var x = Random(19, [1, 2, 3, 4]);
        int[] sizes = [1, 2, 7, 3];
        var attrs = new List<AttributeProto> { Attr("mode", mode), Attr("coordinate_transformation_mode", coordinates) };
        if (nearest.Length > 0) attrs.Add(Attr("nearest_mode", nearest));
        var model = Model(13, Graph([Node("Resize", ["x", "", "", "sizes"], ["y"], [.. attrs])], [Input("x", 1, 2, 3, 4)], ["y"],
            [Ints("sizes", [.. sizes.Select(s => (long)s)])]));
        double Source(int o, int inLength, int outLength)
        {
            double scale = (double)(float)((double)outLength / inLength);
            return coordinates switch
            {
                "asymmetric" => o / scale,
                "align_corners" => outLength == 1 ? 0 : o * (inLength - 1.0) / (outLength - 1),
                "pytorch_half_pixel" => outLength > 1 ? (o + 0.5) / scale - 0.5 : 0,
                _ => (o + 0.5) / scale - 0.5,
            };
        }
        int Nearest(double v, int length)
        {
            int i = nearest switch
            {
                "floor" => (int)Math.Floor(v),
                "round_prefer_ceil" => (int)Math.Floor(v + 0.5),
                _ => (int)Math.Ceiling(v - 0.5),
            };
            return Math.Clamp(i, 0, length - 1);
        }
        var expected = Each(sizes, i =>
        {
            double sy = Source(i[2], 3, 7), sx = Source(i[3], 4, 3);
            if (mode == "nearest") return N(x).At(0, i[1], Nearest(sy, 3), Nearest(sx, 4));
            sy = Math.Clamp(sy, 0, 2);
            sx = Math.Clamp(sx, 0, 3);
            int y0 = (int)sy, x0 = (int)sx, y1 = Math.Min(y0 + 1, 2), x1 = Math.Min(x0 + 1, 3);
            double fy = sy - y0, fx = sx - x0;
            return (1 - fy) * ((1 - fx) * N(x).At(0, i[1], y0, x0) + fx * N(x).At(0, i[1], y0, x1))
                + fy * ((1 - fx) * N(x).At(0, i[1], y1, x0) + fx * N(x).At(0, i[1], y1, x1));
        });
        // The op scales by input length × float32(size / input length), a hair off the integer size.
        AssertClose(expected.Data, RunOne(model, x), 1e-6, 1e-7, $"{mode}/{coordinates}");
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    public void MaxPoolIndicesAreFlatPositionsOfTheFirstMaximum(long storageOrder)
    {
        int[] input = [2, 3, 7, 6];
        var x = Random(29, input, lo: -1, hi: 1);
        var model = Model(12, Graph([Node("MaxPool", ["x"], ["y", "i"], Attr("kernel_shape", 3L, 2), Attr("strides", 2L, 2),
                Attr("pads", 1L, 0, 1, 1), Attr("dilations", 1L, 2), Attr("storage_order", storageOrder))],
            [Input("x", 2, 3, 7, 6)], ["y", "i"]));
        int[] outShape = [2, 3, Naive.PoolSize(7, 3, 2, 1, 1, false), Naive.PoolSize(6, 3, 2, 0, 1, false)];
        var values = new List<double>();
        var indices = new List<double>();
        foreach (var o in Enumerable.Range(0, NTensor.Size(outShape)).Select(f => NTensor.Unflatten(f, outShape)))
        {
            var taps = from r in Enumerable.Range(0, 3)
                       from c in Enumerable.Range(0, 2)
                       let h = o[2] * 2 - 1 + r
                       let w = o[3] * 2 + c * 2
                       where h >= 0 && h < 7 && w >= 0 && w < 6
                       select (Value: N(x).At(o[0], o[1], h, w), H: h, W: w);
            var best = taps.MaxBy(t => t.Value);   // random data: no ties
            values.Add(best.Value);
            long plane = (long)(o[0] * 3 + o[1]) * 7 * 6;
            indices.Add(plane + (storageOrder == 0 ? best.H * 6 + best.W : best.H + best.W * 7));
        }
        var outputs = Run(model, new Dictionary<string, HostTensor> { ["x"] = x });
        AssertClose([.. values], outputs["y"], 0, 0, "values");
        AssertClose([.. indices], outputs["i"], 0, 0, $"indices, storage_order {storageOrder}");
    }

    [Theory]
    [InlineData("linear", 0L)]
    [InlineData("linear", 1L)]
    [InlineData("cubic", 0L)]
    [InlineData("cubic", 1L)]
    public void AntialiasedResizeIsTheStretchedFilterOverEveryPixel(string mode, long excludeOutside)
    {
        var x = Random(23, [1, 2, 9, 8], lo: -1, hi: 1);
        float[] scales = [1, 1, 0.4f, 0.7f];
        int[] sizes = [1, 2, 3, 5];
        var model = Model(18, Graph([Node("Resize", ["x", "", "scales"], ["y"], Attr("mode", mode), Attr("antialias", 1L),
                Attr("exclude_outside", excludeOutside))], [Input("x", 1, 2, 9, 8)], ["y"],
            [FloatTensor("scales", new HostTensor([4], scales))]));
        // Written without tap windows: every integer pixel q weighs filter(|q − source|·scale), pixels
        // past an edge read the edge (or, with exclude_outside, drop out), and the weights are normalized.
        double Filter(double d) => mode == "linear" ? Math.Max(0, 1 - d)
            : d <= 1 ? (1.25 * d - 2.25) * d * d + 1 : d < 2 ? ((-0.75 * d + 3.75) * d - 6) * d + 3 : 0;
        List<(int Pixel, double Weight)> Axis(int o, int length, double scale)
        {
            double source = (o + 0.5) / scale - 0.5;
            var taps = new List<(int, double)>();
            for (int q = -30; q < length + 30; q++)
                if (excludeOutside == 0 || (q >= 0 && q < length))
                    taps.Add((Math.Clamp(q, 0, length - 1), Filter(Math.Abs(q - source) * scale)));
            double total = taps.Sum(t => t.Item2);
            return taps.Select(t => (t.Item1, t.Item2 / total)).ToList();
        }
        var expected = Each(sizes, i => Axis(i[2], 9, scales[2]).Sum(r => Axis(i[3], 8, scales[3])
            .Sum(c => r.Weight * c.Weight * N(x).At(0, i[1], r.Pixel, c.Pixel))));
        AssertClose(expected.Data, RunOne(model, x), 1e-9, 1e-12, $"{mode} antialias");
    }

    [Fact]
    public void UpsampleOpset9UsesAsymmetricFloor()
    {
        var x = Random(20, [1, 1, 2, 3]);
        var model = Model(9, Graph([Node("Upsample", ["x", "scales"], ["y"])], [Input("x", 1, 1, 2, 3)], ["y"],
            [FloatTensor("scales", new HostTensor([4], [1, 1, 2, 1.5f]))]));
        var expected = Each([1, 1, 4, 4], i => N(x).At(0, 0, i[2] / 2, (int)Math.Floor(i[3] / 1.5)));
        AssertClose(expected.Data, RunOne(model, x), 0, 0, "upsample");
    }

    [Fact]
    public void MatMulWithVectorsAndConstantsMatchesNumpy()
    {
        var x = Random(21, [2, 3, 4]);
        var w = Random(22, [4]);
        var model = Model(13, Graph([Node("MatMul", ["x", "w"], ["y"])], [Input("x", 2, 3, 4)], ["y"], [FloatTensor("w", w)]));
        var expected = Each([2, 3], i => Enumerable.Range(0, 4).Sum(k => N(x).At(i[0], i[1], k) * w.Data[k]));
        AssertClose(expected.Data, RunOne(model, x), 1e-12, 1e-12, "matvec");
    }

    [Fact]
    public void OutputsKeepOnnxNamesAndNodesKeepTheirOnnxNodeNames()
    {
        var model = Model(13, Graph(
            [Node("Relu", ["x"], ["hidden"]), Node("Flatten", ["hidden"], ["out:0"])],
            [Input("x", 1, 2, 2)], ["out:0", "hidden"]));
        model.Graph.Node[1].Name = "";
        var graph = Import(model);
        Assert.Equal(["out:0", "hidden"], graph.Outputs.Select(o => o.Name));
        var flatten = graph.Nodes.Single(n => n.Op is FlattenOp);
        Assert.Equal(["Flatten_1"], flatten.Layers);
        Assert.Equal(["Relu_hidden"], graph.Nodes.Single(n => n.Op is ActivationOp).Layers);
    }

    [Fact]
    public void LayerNormalizationStatisticsOutputs()
    {
        var x = Random(28, [2, 3, 4]);
        var scale = Random(29, [4]);
        var model = Model(17, Graph([Node("LayerNormalization", ["x", "s"], ["y", "mean", "inv"], Attr("epsilon", 1e-2f))],
            [Input("x", 2, 3, 4)], ["y", "mean", "inv"], [FloatTensor("s", scale)]));
        var outputs = Run(model, new Dictionary<string, HostTensor> { ["x"] = x });
        double Mean(int[] i) => Enumerable.Range(0, 4).Average(k => N(x).At(i[0], i[1], k));
        double Inv(int[] i) => 1 / Math.Sqrt(Enumerable.Range(0, 4).Average(k => Math.Pow(N(x).At(i[0], i[1], k) - Mean(i), 2)) + (double)1e-2f);
        AssertClose(Each([2, 3, 1], Mean).Data, outputs["mean"], 1e-12, 1e-15, "mean");
        AssertClose(Each([2, 3, 1], Inv).Data, outputs["inv"], 1e-12, 1e-15, "inv");
        AssertClose(Each([2, 3, 4], i => (N(x).At(i) - Mean(i)) * Inv(i) * scale.Data[i[2]]).Data, outputs["y"], 1e-12, 1e-12, "y");
    }

    [Fact]
    public void IntegerDivisionOnRuntimeDataTruncates()
    {
        var x = new HostTensor([4], [7, -7, 9, -1]);
        var model = Model(13, Graph([Node("Div", ["x", "d"], ["y"])], [TypedInput("x", Int64Type, 4)], ["y"],
            [Int64Tensor("d", [], 2)]));
        AssertClose([3, -3, 4, 0], RunOne(model, x), 0, 0, "int div");
    }

    [Fact]
    public void BatchNormLrnAndPoolsImport()
    {
        var x = Random(23, [1, 3, 5, 5]);
        var scale = Random(24, [3]);
        var bias = Random(25, [3]);
        var mean = Random(26, [3]);
        var variance = Random(27, [3], 0.5, 1.5, positive: true);
        var model = Model(9, Graph(
        [
            Node("BatchNormalization", ["x", "s", "b", "m", "v"], ["bn"], Attr("epsilon", 1e-3f)),
            Node("MaxPool", ["bn"], ["mp"], Attr("kernel_shape", 3L, 3), Attr("strides", 2L, 2), Attr("pads", 1L, 1, 1, 1)),
            Node("GlobalAveragePool", ["mp"], ["y"]),
        ], [Input("x", 1, 3, 5, 5)], ["y"],
            [FloatTensor("s", scale), FloatTensor("b", bias), FloatTensor("m", mean), FloatTensor("v", variance)]));
        var bn = Each([1, 3, 5, 5], i =>
            (N(x).At(i) - mean.Data[i[1]]) / Math.Sqrt(variance.Data[i[1]] + (double)1e-3f) * scale.Data[i[1]] + bias.Data[i[1]]);
        var pooled = Each([1, 3, 3, 3], i =>
        {
            double max = double.NegativeInfinity;
            for (int dy = 0; dy < 3; dy++)
            for (int dx = 0; dx < 3; dx++)
            {
                int yy = i[2] * 2 - 1 + dy, xx = i[3] * 2 - 1 + dx;
                if (yy >= 0 && yy < 5 && xx >= 0 && xx < 5) max = Math.Max(max, bn.At(0, i[1], yy, xx));
            }
            return max;
        });
        var expected = Each([1, 3, 1, 1], i => Enumerable.Range(0, 9).Average(k => pooled.At(0, i[1], k / 3, k % 3)));
        AssertClose(expected.Data, RunOne(model, x), 1e-12, 1e-12, "bn-pool");
    }

    [Fact]
    public void BatchNormalizationWithStatisticsFedAtRunTimeIsSpelledOutPerChannel()
    {
        var x = Random(28, [2, 3, 4]);
        var scale = Random(29, [3]);
        var bias = Random(30, [3]);
        var mean = Random(31, [3]);
        var variance = Random(32, [3], 0.5, 1.5, positive: true);
        var model = Model(15, Graph([Node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], Attr("epsilon", 1e-3f))],
            [Input("x", 2, 3, 4), Input("s", 3), Input("b", 3), Input("m", 3), Input("v", 3)], ["y"]));
        Assert.DoesNotContain(Import(model).Nodes, n => n.Op is BatchNormOp);
        var actual = Run(model, new Dictionary<string, HostTensor> { ["x"] = x, ["s"] = scale, ["b"] = bias, ["m"] = mean, ["v"] = variance })["y"];
        var expected = Each([2, 3, 4], i =>
            (N(x).At(i) - mean.Data[i[1]]) / Math.Sqrt(variance.Data[i[1]] + (double)1e-3f) * scale.Data[i[1]] + bias.Data[i[1]]);
        AssertClose(expected.Data, actual, 1e-12, 1e-12, "bn-runtime");
    }

    [Fact]
    public void MatMulBatchesThatBroadcastOnlyPartlyAreExpanded()
    {
        // [3, 1] against [1, 2] batches: neither operand is one shared matrix or every batch.
        var a = Random(33, [3, 1, 3, 4]);
        var b = Random(34, [1, 2, 4, 2]);
        var model = Model(13, Graph([Node("MatMul", ["a", "b"], ["y"])], [Input("a", 3, 1, 3, 4), Input("b", 1, 2, 4, 2)], ["y"]));
        Assert.Equal(2, Import(model).Nodes.Count(n => n.Op is ExpandOp));
        var actual = Run(model, new Dictionary<string, HostTensor> { ["a"] = a, ["b"] = b })["y"];
        var expected = Each([3, 2, 3, 2], i => Enumerable.Range(0, 4).Sum(k => N(a).At(i[0], 0, i[2], k) * N(b).At(0, i[1], k, i[3])));
        AssertClose(expected.Data, actual, 1e-12, 1e-12, "matmul-bcast");
    }
}
