using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.IR;

/// <summary>
/// Reduction over the listed axes (non-negative, ascending, at least one). With
/// <see cref="KeepDims"/> the reduced axes stay as 1, otherwise they are removed.
/// </summary>
public sealed record ReduceOp(ReduceKind Kind, EquatableArray<int> Axes, bool KeepDims) : Op
{
    public override string Mnemonic => "reduce_" + Kind.ToString().ToLowerInvariant();
    public override (int Min, int Max) Arity => (1, 1);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var x = inputs[0];
        if (Axes.IsEmpty) return ShapeResult.Fail("at least one axis must be reduced");
        if (Axes.Any(a => a < 0 || a >= x.Rank) || Axes.Distinct().Count() != Axes.Count)
            return ShapeResult.Fail($"axes {Ints(Axes)} are not distinct axes of {x}");
        var shape = new List<int>();
        for (int axis = 0; axis < x.Rank; axis++)
        {
            if (!Axes.Contains(axis)) shape.Add(x[axis]);
            else if (KeepDims) shape.Add(1);
        }
        return ShapeResult.Ok(new TensorType(x.DType, shape.ToArray()));
    }

    public override IEnumerable<(string Key, string Value)> Attributes() =>
        [("axes", Ints(Axes)), ("keepdims", KeepDims ? "1" : "0")];
}
