using System.Globalization;
using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.IR;

/// <summary>The outcome of shape inference: a type, or an error message with an optional fix.</summary>
public readonly record struct ShapeResult(TensorType? Type, string? Error, string? Help = null)
{
    public static ShapeResult Ok(TensorType type) => new(type, null);
    public static ShapeResult Fail(string error, string? help = null) => new(null, error, help);
    public bool IsOk => Type is not null;
}

/// <summary>
/// An operator: a sealed record holding only its attributes. Operands are the node's inputs,
/// so the same op record can be compared and printed without the graph.
/// </summary>
public abstract record Op
{
    /// <summary>The name used by the DSL and the IR printer.</summary>
    public abstract string Mnemonic { get; }

    /// <summary>Fewest and most inputs the op accepts.</summary>
    public abstract (int Min, int Max) Arity { get; }

    public abstract ShapeResult Infer(IReadOnlyList<TensorType> inputs);

    /// <summary>Attributes in a stable <c>key=value</c> form for the printer; empty when none.</summary>
    public virtual IEnumerable<(string Key, string Value)> Attributes() => [];

    protected static string Ints(IEnumerable<int> values) => "[" + string.Join(",", values) + "]";
    protected static string Float(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    protected static ShapeResult Same(TensorType input) => ShapeResult.Ok(input);

    /// <summary>Numpy broadcasting of two shapes; null when they do not broadcast.</summary>
    public static int[]? Broadcast(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        int rank = Math.Max(a.Count, b.Count);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Count) >= 0 ? a[i - (rank - a.Count)] : 1;
            int db = i - (rank - b.Count) >= 0 ? b[i - (rank - b.Count)] : 1;
            if (da != db && da != 1 && db != 1) return null;
            result[i] = da == 1 ? db : da;
        }
        return result;
    }
}

public static class Epilogue
{
    public static string Format(EquatableArray<EpilogueStep> steps) => "[" + string.Join(", ", steps.Select(s => s.Format())) + "]";

    /// <summary>Output shape after applying the steps' broadcasts to the main result.</summary>
    public static ShapeResult Apply(string op, TensorType main, EquatableArray<EpilogueStep> steps, IReadOnlyList<TensorType> inputs)
    {
        var shape = main.Dims;
        foreach (var step in steps)
        {
            if (step is not BinaryStep b) continue;
            if (b.Operand >= inputs.Count)
                return ShapeResult.Fail($"epilogue operand in{b.Operand} does not exist");
            var next = Op.Broadcast(shape, inputs[b.Operand].Dims);
            if (next is null)
                return ShapeResult.Fail($"cannot broadcast {TensorType.FormatShape(shape)} with {inputs[b.Operand]} in the {op} epilogue");
            shape = next;
        }
        return ShapeResult.Ok(new TensorType(main.DType, shape));
    }
}
