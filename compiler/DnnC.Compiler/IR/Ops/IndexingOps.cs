using DnnC.Runtime;

namespace DnnC.Compiler.IR;

/// <summary>
/// A strided slice, fully resolved: on every axis, element j of the output reads input
/// element Starts[i] + j · Steps[i], for j below Sizes[i]. Steps may be negative.
/// </summary>
public sealed record SliceOp(EquatableArray<int> Starts, EquatableArray<int> Steps, EquatableArray<int> Sizes) : Op
{
    public override string Mnemonic => "slice";
    public override (int Min, int Max) Arity => (1, 1);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var x = inputs[0];
        if (Starts.Count != x.Rank || Steps.Count != x.Rank || Sizes.Count != x.Rank)
            return ShapeResult.Fail($"starts, steps and sizes need one entry per axis of {x}");
        for (int i = 0; i < x.Rank; i++)
        {
            if (Steps[i] == 0 || Sizes[i] < 0) return ShapeResult.Fail($"axis {i}: step must be non-zero and size non-negative");
            long last = Starts[i] + (long)(Sizes[i] - 1) * Steps[i];
            if (Sizes[i] > 0 && (Starts[i] < 0 || Starts[i] >= x[i] || last < 0 || last >= x[i]))
                return ShapeResult.Fail($"axis {i}: {Sizes[i]} elements from {Starts[i]} by {Steps[i]} leave [0, {x[i]})");
        }
        return ShapeResult.Ok(new TensorType(x.DType, Sizes));
    }

    public override IEnumerable<(string Key, string Value)> Attributes() =>
        [("starts", Ints(Starts)), ("steps", Ints(Steps)), ("sizes", Ints(Sizes))];
}

/// <summary>Picks slices along <see cref="Axis"/> at the indices of input 1 (negative counts from the end).</summary>
public sealed record GatherOp(int Axis) : Op
{
    public override string Mnemonic => "gather";
    public override (int Min, int Max) Arity => (2, 2);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var x = inputs[0];
        if (Axis < 0 || Axis >= x.Rank) return ShapeResult.Fail($"axis {Axis} is out of range for {x}");
        int[] shape = [.. x.Dims[..Axis], .. inputs[1].Dims, .. x.Dims[(Axis + 1)..]];
        return ShapeResult.Ok(new TensorType(x.DType, shape));
    }

    public override IEnumerable<(string Key, string Value)> Attributes() => [("axis", Axis.ToString())];
}

public enum PadMode { Constant, Reflect, Edge, Wrap }

/// <summary>
/// Padding in ONNX layout: Pads holds every axis's leading amount, then every axis's trailing
/// amount. Negative amounts crop. <see cref="Value"/> fills Constant mode.
/// </summary>
public sealed record PadOp(PadMode Mode, EquatableArray<int> Pads, float Value) : Op
{
    public override string Mnemonic => "pad";
    public override (int Min, int Max) Arity => (1, 1);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var x = inputs[0];
        if (Pads.Count != 2 * x.Rank) return ShapeResult.Fail($"pads {Ints(Pads)} need two entries per axis of {x}");
        var shape = new int[x.Rank];
        for (int i = 0; i < x.Rank; i++)
        {
            shape[i] = x[i] + Pads[i] + Pads[i + x.Rank];
            if (shape[i] < 0) return ShapeResult.Fail($"axis {i}: pads {Pads[i]} and {Pads[i + x.Rank]} crop more than {x[i]}");
            if (Mode == PadMode.Reflect && (Pads[i] >= x[i] || Pads[i + x.Rank] >= x[i]))
                return ShapeResult.Fail($"axis {i}: reflect pads must be smaller than the axis ({x[i]})");
        }
        return ShapeResult.Ok(new TensorType(x.DType, shape));
    }

    public override IEnumerable<(string Key, string Value)> Attributes() =>
        [("mode", Mode.ToString().ToLowerInvariant()), ("pads", Ints(Pads)), ("value", Float(Value))];
}

/// <summary>Numpy broadcast of the input to <see cref="Shape"/> (already the broadcast result).</summary>
public sealed record ExpandOp(EquatableArray<int> Shape) : Op
{
    public override string Mnemonic => "expand";
    public override (int Min, int Max) Arity => (1, 1);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var result = Broadcast(inputs[0].Dims, Shape.ToArray());
        return result is not null && result.SequenceEqual(Shape)
            ? ShapeResult.Ok(new TensorType(inputs[0].DType, Shape))
            : ShapeResult.Fail($"{inputs[0]} does not broadcast to {Ints(Shape)}");
    }

    public override IEnumerable<(string Key, string Value)> Attributes() => [("shape", Ints(Shape))];
}

/// <summary>Repeats the input Repeats[i] times along each axis i.</summary>
public sealed record TileOp(EquatableArray<int> Repeats) : Op
{
    public override string Mnemonic => "tile";
    public override (int Min, int Max) Arity => (1, 1);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var x = inputs[0];
        if (Repeats.Count != x.Rank || Repeats.Any(r => r < 0))
            return ShapeResult.Fail($"repeats {Ints(Repeats)} need one non-negative entry per axis of {x}");
        var shape = new int[x.Rank];
        for (int i = 0; i < x.Rank; i++)
        {
            long d = (long)x[i] * Repeats[i];
            if (d > int.MaxValue) return ShapeResult.Fail($"axis {i} would hold {d} elements");
            shape[i] = (int)d;
        }
        return ShapeResult.Ok(new TensorType(x.DType, shape));
    }

    public override IEnumerable<(string Key, string Value)> Attributes() => [("repeats", Ints(Repeats))];
}
