using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.IR;

/// <summary>
/// A unary elementwise function. Alpha and Beta: Elu, Celu and ThresholdedRelu's alpha; Selu's
/// alpha (Alpha) and gamma (Beta). <see cref="Apply"/> is the float64 definition.
/// </summary>
public sealed record UnaryMathOp(UnaryKind Kind, float Alpha = 0, float Beta = 0) : Op
{
    public override string Mnemonic => Kind.ToString().ToLowerInvariant();
    public override (int Min, int Max) Arity => (1, 1);
    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs) => Same(inputs[0]);

    public override IEnumerable<(string Key, string Value)> Attributes() => Kind switch
    {
        UnaryKind.Elu or UnaryKind.Celu or UnaryKind.ThresholdedRelu => [("alpha", Float(Alpha))],
        UnaryKind.Selu => [("alpha", Float(Alpha)), ("gamma", Float(Beta))],
        _ => [],
    };

    public static double Apply(UnaryKind kind, double alpha, double beta, double x) => MathFunctions.Unary(kind, alpha, beta, x);
}

/// <summary>A broadcasting binary function beyond <see cref="BinaryOp"/>'s arithmetic; <see cref="MathBinaryKind"/> defines each.</summary>
public sealed record MathBinaryOp(MathBinaryKind Kind) : Op
{
    public override string Mnemonic => Kind.ToString().ToLowerInvariant();
    public override (int Min, int Max) Arity => (2, 2);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var shape = Broadcast(inputs[0].Dims, inputs[1].Dims);
        return shape is null
            ? ShapeResult.Fail($"{inputs[0]} and {inputs[1]} do not broadcast", "trailing dimensions must be equal or 1 (numpy broadcasting)")
            : ShapeResult.Ok(new TensorType(inputs[0].DType, shape));
    }

    public static double Apply(MathBinaryKind kind, double a, double b) => MathFunctions.Binary(kind, a, b);
}

/// <summary>Elementwise select with numpy broadcasting: inputs condition (non-zero is true), then x, else y.</summary>
public sealed record WhereOp : Op
{
    public override string Mnemonic => "where";
    public override (int Min, int Max) Arity => (3, 3);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var shape = Broadcast(inputs[0].Dims, inputs[1].Dims);
        shape = shape is null ? null : Broadcast(shape, inputs[2].Dims);
        return shape is null
            ? ShapeResult.Fail($"{inputs[0]}, {inputs[1]} and {inputs[2]} do not broadcast together")
            : ShapeResult.Ok(new TensorType(inputs[1].DType, shape));
    }
}
