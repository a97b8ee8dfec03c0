using DnnC.Runtime;

namespace DnnC.Compiler.IR;

/// <summary>Concatenation along a non-negative axis.</summary>
public sealed record ConcatOp(int Axis) : Op
{
    public override string Mnemonic => "concat";
    public override (int Min, int Max) Arity => (1, int.MaxValue);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var first = inputs[0];
        if (Axis < 0 || Axis >= first.Rank) return ShapeResult.Fail($"axis {Axis} is out of range for {first}");
        var shape = first.Dims;
        foreach (var t in inputs.Skip(1))
        {
            bool fits = t.Rank == first.Rank && Enumerable.Range(0, t.Rank).All(i => i == Axis || t[i] == first[i]);
            if (!fits) return ShapeResult.Fail($"{first} and {t} differ outside axis {Axis}");
            shape[Axis] += t[Axis];
        }
        return ShapeResult.Ok(new TensorType(first.DType, shape));
    }

    public override IEnumerable<(string Key, string Value)> Attributes() => [("axis", Axis.ToString())];
}

/// <summary>Reshape to a fully resolved shape (the binder resolves -1 and 0 before building it).</summary>
public sealed record ReshapeOp(EquatableArray<int> Shape) : Op
{
    public override string Mnemonic => "reshape";
    public override (int Min, int Max) Arity => (1, 1);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var target = new TensorType(inputs[0].DType, Shape);
        if (Shape.Any(d => d <= 0)) return ShapeResult.Fail($"target shape {Ints(Shape)} must be positive");
        return target.ElementCount == inputs[0].ElementCount
            ? ShapeResult.Ok(target)
            : ShapeResult.Fail($"cannot reshape {inputs[0]} ({inputs[0].ElementCount} elements) to {Ints(Shape)} ({target.ElementCount} elements)");
    }

    public override IEnumerable<(string Key, string Value)> Attributes() => [("shape", Ints(Shape))];
}

/// <summary>Flatten to 2-D: dimensions before <see cref="Axis"/> and from it on.</summary>
public sealed record FlattenOp(int Axis) : Op
{
    public override string Mnemonic => "flatten";
    public override (int Min, int Max) Arity => (1, 1);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var x = inputs[0];
        if (Axis < 0 || Axis > x.Rank) return ShapeResult.Fail($"axis {Axis} is out of range for {x}");
        long outer = HostTensor.ElementCount(x.Dims[..Axis]);
        long inner = HostTensor.ElementCount(x.Dims[Axis..]);
        return ShapeResult.Ok(new TensorType(x.DType, [(int)outer, (int)inner]));
    }

    public override IEnumerable<(string Key, string Value)> Attributes() => [("axis", Axis.ToString())];
}

/// <summary>Axis permutation: output axis i is input axis Perm[i].</summary>
public sealed record TransposeOp(EquatableArray<int> Perm) : Op
{
    public override string Mnemonic => "transpose";
    public override (int Min, int Max) Arity => (1, 1);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var x = inputs[0];
        if (Perm.Count != x.Rank || !Perm.OrderBy(p => p).SequenceEqual(Enumerable.Range(0, x.Rank)))
            return ShapeResult.Fail($"{Ints(Perm)} is not a permutation of the {x.Rank} axes of {x}");
        return ShapeResult.Ok(new TensorType(x.DType, Perm.Select(p => x[p]).ToArray()));
    }

    public override IEnumerable<(string Key, string Value)> Attributes() => [("perm", Ints(Perm))];
}
