using DnnC.Compiler.IR;

namespace DnnC.Compiler.Onnx;

/// <summary>Shape and data-movement operators. Most fold to constants on the shape subgraphs exporters emit.</summary>
internal static partial class OnnxOps
{
    private static void RegisterShapeOps(Dictionary<string, Action<NodeContext>> t)
    {
        t["Identity"] = n => n.SetOutput(0, n.Input(0));
        t["Dropout"] = Dropout;
        t["Constant"] = Constant;
        t["ConstantOfShape"] = ConstantOfShape;
        t["Shape"] = Shape;
        t["Size"] = n => n.SetOutput(0, n.Scalar(Checked.Count(n.Input(0).Shape), ElemTypes.Int64));
        t["Range"] = Range;
        t["Reshape"] = ReshapeNode;
        t["Flatten"] = Flatten;
        t["Squeeze"] = Squeeze;
        t["Unsqueeze"] = Unsqueeze;
        t["Transpose"] = TransposeNode;
        t["Concat"] = Concat;
        t["Split"] = Split;
        t["Slice"] = Slice;
        t["Gather"] = Gather;
        t["Expand"] = Expand;
        t["Tile"] = Tile;
        t["Pad"] = Pad;
        t["DepthToSpace"] = DepthToSpace;
        t["SpaceToDepth"] = SpaceToDepth;
    }

    /// <summary>
    /// Inference: the identity, and an all-true mask when the mask output is used. Training mode
    /// with ratio 0 drops nothing, so it is the same function; any other ratio draws random masks.
    /// </summary>
    private static void Dropout(NodeContext n)
    {
        bool training = n.OptionalConstInput(2, "training_mode") is { } mode && mode[0] != 0;
        double ratio = n.OptionalConstInput(1, "ratio") is { } r ? r[0] : n.Float("ratio", 0.5f);
        if (training && ratio != 0)
            throw n.Unsupported("training_mode=true with a non-zero ratio (random masks; DnnC compiles for inference)");
        var x = n.Input(0);
        n.SetOutput(0, x);
        n.SetOutput(1, n.Constant(ConstTensor.Splat(x.Shape, 1), ElemTypes.Bool));
    }

    private static void Constant(NodeContext n)
    {
        if (n.Tensor("value") is { } tensor) n.SetOutput(0, Decode(n, tensor));
        else if (n.Has("value_float")) n.SetOutput(0, n.Scalar(n.Float("value_float", 0)));
        else if (n.Floats("value_floats") is { } floats) n.SetOutput(0, n.Constant(ConstTensor.FromFloats([floats.Length], floats)));
        else if (n.Has("value_int")) n.SetOutput(0, n.Scalar(n.Int("value_int", 0), ElemTypes.Int64));
        else if (n.Ints("value_ints") is { } ints)
            n.SetOutput(0, n.Constant(ConstTensor.FromDoubles([ints.Length], ints.Select(v => (double)v).ToArray()), ElemTypes.Int64));
        else if (n.Has("sparse_value") || n.Has("value_string") || n.Has("value_strings"))
            throw n.Unsupported("sparse and string constants");
        else throw n.Invalid("it has no value attribute");
    }

    private static ImportValue Decode(NodeContext n, Proto.TensorProto tensor)
    {
        try
        {
            return ImportValue.Const(OnnxTensors.Decode(tensor), tensor.DataType);
        }
        catch (TensorDecodeException e)
        {
            throw e.UnsupportedType ? n.Unsupported(e.Message) : n.Invalid($"its tensor attribute is malformed: {e.Message}");
        }
    }

    private static void ConstantOfShape(NodeContext n)
    {
        var shape = ShapeFromTensor(n, n.ConstInput(0, "the output shape"));
        double value = 0;
        int type = ElemTypes.Float;
        if (n.Tensor("value") is { } tensor)
        {
            var v = Decode(n, tensor);
            if (v.Constant!.Count != 1) throw n.Invalid("'value' must hold exactly one element");
            value = v.Constant[0];
            type = v.ElemType;
        }
        n.SetOutput(0, n.Constant(ConstTensor.Splat(shape, value), type));
    }

    /// <summary>A shape given as a tensor: every dim non-negative, the element count within 2^31.</summary>
    private static int[] ShapeFromTensor(NodeContext n, ConstTensor tensor)
    {
        var dims = tensor.ToInt64s();
        if (Checked.ValidateDims(dims) is { } error) throw n.Invalid($"shape: {error}");
        return dims.Select(d => (int)d).ToArray();
    }

    private static void Shape(NodeContext n)
    {
        var shape = n.Input(0).Shape;
        int rank = shape.Length;
        long start = n.Int("start", 0), end = n.Int("end", rank);
        int s = (int)Math.Clamp(start < 0 ? start + rank : start, 0, rank);
        int e = (int)Math.Clamp(end < 0 ? end + rank : end, 0, rank);
        var dims = shape[s..Math.Max(s, e)].Select(d => (double)d).ToArray();
        n.SetOutput(0, n.Constant(ConstTensor.FromDoubles([dims.Length], dims), ElemTypes.Int64));
    }

    private static void Range(NodeContext n)
    {
        double start = n.ConstInput(0, "start")[0], limit = n.ConstInput(1, "limit")[0], delta = n.ConstInput(2, "delta")[0];
        if (delta == 0) throw n.Invalid("delta is 0");
        double count = Math.Max(Math.Ceiling((limit - start) / delta), 0);
        if (count > Checked.MaxElements) throw n.Invalid($"the range holds {count} elements");
        int type = n.Input(0).ElemType;
        var data = Enumerable.Range(0, (int)count).Select(i => ElemTypes.Coerce(type, start + i * delta)).ToArray();
        n.SetOutput(0, n.Constant(ConstTensor.FromDoubles([data.Length], data), type));
    }

    private static void ReshapeNode(NodeContext n)
    {
        var x = n.Input(0);
        long[] requested = n.ConstInput(1, "the target shape").ToInt64s();
        bool allowZero = n.Int("allowzero", 0) != 0;
        var shape = new int[requested.Length];
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < requested.Length; i++)
        {
            long d = requested[i];
            if (d == 0 && !allowZero)
            {
                if (i >= x.Rank) throw n.Invalid($"shape entry {i} is 0 (copy) but the input has rank {x.Rank}");
                d = x.Shape[i];
            }
            if (d == -1)
            {
                if (inferred >= 0) throw n.Invalid("the target shape has more than one -1");
                inferred = i;
                continue;
            }
            if (d < 0 || d > Checked.MaxElements) throw n.Invalid($"shape entry {d} is invalid");
            shape[i] = (int)d;
            known = Math.Min(known * d, Checked.MaxElements + 1);
        }
        long total = Checked.Count(x.Shape);
        if (inferred >= 0)
        {
            if (known == 0 || total % known != 0) throw n.Invalid($"cannot infer -1: {total} elements do not divide by {known}");
            shape[inferred] = (int)(total / known);
        }
        else if (known != total) throw n.Invalid($"cannot reshape {TensorType.FormatShape(x.Shape)} to {TensorType.FormatShape(shape)}");
        n.SetOutput(0, Reshape(n, x, shape));
    }

    private static void Flatten(NodeContext n)
    {
        var x = n.Input(0);
        long axis = n.Int("axis", 1);
        if (axis < -x.Rank || axis > x.Rank) throw n.Invalid($"axis {axis} is out of range for rank {x.Rank}");
        int a = (int)(axis < 0 ? axis + x.Rank : axis);
        long outer = Checked.Count(x.Shape[..a]), inner = Checked.Count(x.Shape[a..]);
        if (x.IsConstant || x.Shape.Any(d => d == 0)) n.SetOutput(0, Reshape(n, x, [(int)outer, (int)inner]));
        else n.SetOutput(0, n.Emit(new FlattenOp(a), x));
    }

    private static long[]? AxesAttrOrInput(NodeContext n, int inputIndex, int opsetWithInput)
    {
        if (n.Opset < opsetWithInput) return n.Ints("axes");
        return n.OptionalConstInput(inputIndex, "axes")?.ToInt64s();
    }

    private static void Squeeze(NodeContext n)
    {
        var x = n.Input(0);
        var axesRequested = AxesAttrOrInput(n, 1, 13);
        var axes = axesRequested is null
            ? Enumerable.Range(0, x.Rank).Where(i => x.Shape[i] == 1).ToArray()
            : n.Axes(axesRequested, x.Rank);
        foreach (int a in axes)
            if (x.Shape[a] != 1) throw n.Invalid($"cannot squeeze axis {a} of size {x.Shape[a]}");
        var shape = x.Shape.Where((_, i) => !axes.Contains(i)).ToArray();
        n.SetOutput(0, Reshape(n, x, shape));
    }

    private static void Unsqueeze(NodeContext n)
    {
        var x = n.Input(0);
        var requested = AxesAttrOrInput(n, 1, 13) ?? throw n.Invalid("axes are required");
        int rank = x.Rank + requested.Length;
        var axes = n.Axes(requested, rank);
        var shape = new int[rank];
        int source = 0;
        for (int i = 0; i < rank; i++) shape[i] = axes.Contains(i) ? 1 : x.Shape[source++];
        n.SetOutput(0, Reshape(n, x, shape));
    }

    private static void TransposeNode(NodeContext n)
    {
        var x = n.Input(0);
        var perm = n.Ints("perm") is { } p ? ToInts(n, p, "perm") : Enumerable.Range(0, x.Rank).Reverse().ToArray();
        if (perm.Length != x.Rank || !perm.Order().SequenceEqual(Enumerable.Range(0, x.Rank)))
            throw n.Invalid($"perm [{string.Join(", ", perm)}] is not a permutation of {x.Rank} axes");
        if (x.Constant is { } c && c.Count == 0)
        {
            n.SetOutput(0, Reshape(n, x, perm.Select(i => x.Shape[i]).ToArray()));
            return;
        }
        n.SetOutput(0, Transpose(n, x, perm));
    }

    private static void Concat(NodeContext n)
    {
        var inputs = Enumerable.Range(0, n.InputCount).Where(n.HasInput).Select(n.Input).ToList();
        if (inputs.Count == 0) throw n.Invalid("it has no inputs");
        int rank = inputs[0].Rank;
        if (inputs.Any(i => i.Rank != rank)) throw n.Invalid("inputs differ in rank");
        if (rank == 0) throw n.Invalid("scalars cannot be concatenated");
        if (!n.Has("axis")) throw n.Invalid("the axis attribute is required");
        int axis = n.Axis(n.Int("axis", 0), rank);
        // Empty parts (common in exporters' shape code) add nothing.
        var parts = inputs.Where(i => i.Shape[axis] != 0).ToList();
        if (parts.Count == 0) parts.Add(inputs[0]);
        n.SetOutput(0, parts.Count == 1 ? parts[0] : n.Emit(new ConcatOp(axis), inputs[0].ElemType, [.. parts]));
    }

    private static void Split(NodeContext n)
    {
        var x = n.Input(0);
        int axis = n.Axis(n.Int("axis", 0), x.Rank);
        int length = x.Shape[axis];
        long[]? sizes = n.Opset < 13 ? n.Ints("split") : n.OptionalConstInput(1, "split sizes")?.ToInt64s();
        int outputs = n.OutputCount;
        if (sizes is null || sizes.Length == 0)
        {
            int parts = n.Opset >= 18 && n.Has("num_outputs") ? (int)n.Int("num_outputs", outputs) : outputs;
            if (parts <= 0) throw n.Invalid("num_outputs must be positive");
            long chunk = (length + parts - 1) / parts;
            if (n.Opset < 18 && length % parts != 0) throw n.Invalid($"axis of {length} does not split into {parts} equal parts");
            sizes = Enumerable.Range(0, parts).Select(i => Math.Max(0, Math.Min(chunk, length - i * chunk))).ToArray();
        }
        if (sizes.Length != outputs) throw n.Invalid($"{sizes.Length} split sizes for {outputs} outputs");
        if (sizes.Any(s => s < 0) || sizes.Sum() != length) throw n.Invalid($"split sizes [{string.Join(", ", sizes)}] do not add up to {length}");
        int start = 0;
        for (int i = 0; i < outputs; i++)
        {
            int size = (int)sizes[i];
            if (n.HasOutput(i)) n.SetOutput(i, SliceAxis(n, x, axis, start, size));
            start += size;
        }
    }

    private static ImportValue SliceAxis(NodeContext n, ImportValue x, int axis, int start, int size)
    {
        if (start == 0 && size == x.Shape[axis]) return x;
        var starts = new int[x.Rank];
        var sizes = (int[])x.Shape.Clone();
        starts[axis] = start;
        sizes[axis] = size;
        return n.Emit(new SliceOp(starts, Enumerable.Repeat(1, x.Rank).ToArray(), sizes), x);
    }

    private static void Slice(NodeContext n)
    {
        var x = n.Input(0);
        long[] starts, ends;
        long[]? axes, steps = null;
        if (n.Opset < 10)
        {
            starts = n.Ints("starts") ?? throw n.Invalid("starts are required");
            ends = n.Ints("ends") ?? throw n.Invalid("ends are required");
            axes = n.Ints("axes");
        }
        else
        {
            starts = n.ConstInput(1, "starts").ToInt64s();
            ends = n.ConstInput(2, "ends").ToInt64s();
            axes = n.OptionalConstInput(3, "axes")?.ToInt64s();
            steps = n.OptionalConstInput(4, "steps")?.ToInt64s();
        }
        axes ??= Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        steps ??= Enumerable.Repeat(1L, starts.Length).ToArray();
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length)
            throw n.Invalid("starts, ends, axes and steps differ in length");
        var resolvedAxes = n.Axes(axes, x.Rank);
        var outStarts = new int[x.Rank];
        var outSteps = Enumerable.Repeat(1, x.Rank).ToArray();
        var outSizes = (int[])x.Shape.Clone();
        for (int i = 0; i < starts.Length; i++)
        {
            int axis = resolvedAxes[i];
            if (steps[i] == 0) throw n.Invalid("a slice step is 0");
            var (start, step, size) = ResolveSlice(starts[i], ends[i], steps[i], x.Shape[axis]);
            outStarts[axis] = start;
            outSteps[axis] = step;
            outSizes[axis] = size;
        }
        bool identity = outStarts.All(s => s == 0) && outSteps.All(s => s == 1) && outSizes.SequenceEqual(x.Shape);
        n.SetOutput(0, identity ? x : n.Emit(new SliceOp(outStarts, outSteps, outSizes), x));
    }

    /// <summary>ONNX's clamping rules for one axis, resolved to a first index, a step and a count.</summary>
    internal static (int Start, int Step, int Size) ResolveSlice(long start, long end, long step, int length)
    {
        if (start < 0) start += length;
        if (end < 0) end += length;
        long size;
        if (step > 0)
        {
            start = Math.Clamp(start, 0, length);
            end = Math.Clamp(end, 0, length);
            size = end > start ? (end - start + step - 1) / step : 0;
        }
        else
        {
            start = Math.Clamp(start, 0, length - 1);
            end = Math.Clamp(end, -1, length - 1);
            size = start > end ? (start - end + -step - 1) / -step : 0;
        }
        int clampedStep = (int)Math.Clamp(step, -(long)int.MaxValue, int.MaxValue);
        return size == 0 ? (0, clampedStep, 0) : ((int)start, clampedStep, (int)size);
    }

    private static void Gather(NodeContext n)
    {
        var x = n.Input(0);
        var indices = n.Input(1);
        int axis = n.Axis(n.Int("axis", 0), x.Rank);
        if (indices.Constant is { } c)
        {
            // Normalized now so that the runtime op never sees a negative or out-of-range index.
            int length = x.Shape[axis];
            var data = new double[c.Count];
            for (long i = 0; i < c.Count; i++)
            {
                long index = Checked.ToInt64(c[i]);
                if (index < -length || index >= length) throw n.Invalid($"index {index} is out of range for an axis of {length}");
                data[i] = index < 0 ? index + length : index;
            }
            indices = ImportValue.Const(ConstTensor.FromDoubles(c.Shape, data), indices.ElemType);
        }
        n.SetOutput(0, n.Emit(new GatherOp(axis), x.ElemType, x, indices));
    }

    private static void Expand(NodeContext n)
    {
        var x = n.Input(0);
        var shape = ShapeFromTensor(n, n.ConstInput(1, "the target shape"));
        var result = Op.Broadcast(x.Shape, shape) ?? throw n.Invalid(
            $"{TensorType.FormatShape(x.Shape)} does not broadcast with {TensorType.FormatShape(shape)}");
        if (result.SequenceEqual(x.Shape)) n.SetOutput(0, x);
        else if (x.Constant is { } c && c.Count == 1) n.SetOutput(0, n.Constant(ConstTensor.Splat(result, c[0]), x.ElemType));
        else n.SetOutput(0, n.Emit(new ExpandOp(result), x));
    }

    private static void Tile(NodeContext n)
    {
        var x = n.Input(0);
        var repeats = ToInts(n, n.ConstInput(1, "repeats").ToInt64s(), "repeats");
        n.SetOutput(0, repeats.All(r => r == 1) && repeats.Length == x.Rank ? x : n.Emit(new TileOp(repeats), x));
    }

    private static void Pad(NodeContext n)
    {
        var x = n.Input(0);
        string modeName = n.Str("mode", "constant");
        var mode = modeName switch
        {
            "constant" => PadMode.Constant,
            "reflect" => PadMode.Reflect,
            "edge" => PadMode.Edge,
            "wrap" => PadMode.Wrap,
            _ => throw n.Invalid($"unknown mode '{modeName}'"),
        };
        long[] pads;
        double value;
        if (n.Opset < 11)
        {
            pads = n.Ints("pads") ?? throw n.Invalid("pads are required");
            value = n.Float("value", 0);
        }
        else
        {
            pads = n.ConstInput(1, "pads").ToInt64s();
            value = n.OptionalConstInput(2, "the constant value") is { Count: > 0 } v ? v[0] : 0;
        }
        var axes = n.Opset >= 18 && n.OptionalConstInput(3, "axes") is { } axesTensor
            ? n.Axes(axesTensor.ToInt64s(), x.Rank)
            : Enumerable.Range(0, x.Rank).ToArray();
        if (pads.Length != 2 * axes.Length) throw n.Invalid($"{pads.Length} pads for {axes.Length} axes");
        var full = new int[2 * x.Rank];
        for (int i = 0; i < axes.Length; i++)
        {
            full[axes[i]] = NodeContext.ToInt(pads[i], "pad");
            full[axes[i] + x.Rank] = NodeContext.ToInt(pads[i + axes.Length], "pad");
        }
        n.SetOutput(0, full.All(p => p == 0) ? x : n.Emit(new PadOp(mode, full, (float)value), x));
    }

    private static void DepthToSpace(NodeContext n)
    {
        var x = n.Input(0);
        if (x.Rank != 4) throw n.Invalid($"input must be 4-D, got rank {x.Rank}");
        int b = (int)n.Int("blocksize", 0);
        int c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        if (b <= 0 || c % (b * b) != 0) throw n.Invalid($"{c} channels do not divide by blocksize² ({b}²)");
        bool crd = n.Str("mode", "DCR") == "CRD";
        int[] split = crd ? [x.Shape[0], c / (b * b), b, b, h, w] : [x.Shape[0], b, b, c / (b * b), h, w];
        int[] perm = crd ? [0, 1, 4, 2, 5, 3] : [0, 3, 4, 1, 5, 2];
        var moved = Transpose(n, Reshape(n, x, split), perm);
        n.SetOutput(0, Reshape(n, moved, [x.Shape[0], c / (b * b), h * b, w * b]));
    }

    private static void SpaceToDepth(NodeContext n)
    {
        var x = n.Input(0);
        if (x.Rank != 4) throw n.Invalid($"input must be 4-D, got rank {x.Rank}");
        int b = (int)n.Int("blocksize", 0);
        int c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        if (b <= 0 || h % b != 0 || w % b != 0) throw n.Invalid($"{h}x{w} does not divide by blocksize {b}");
        var moved = Transpose(n, Reshape(n, x, [x.Shape[0], c, h / b, b, w / b, b]), [0, 3, 5, 1, 2, 4]);
        n.SetOutput(0, Reshape(n, moved, [x.Shape[0], c * b * b, h / b, w / b]));
    }
}
