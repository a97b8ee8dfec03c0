using DnnC.Runtime;

namespace DnnC.Compiler.IR;

/// <summary>Elementwise functions of one operand that the activation set does not cover.</summary>
public enum UnaryKind
{
    Exp, Log, Sqrt, Reciprocal, Neg, Abs, Floor, Ceil, Round, Trunc, Sign,
    Erf, Softplus, Softsign, Elu, Selu, Celu, GeluTanh, ThresholdedRelu, Not,
    Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh, Asinh, Acosh, Atanh, Mish,
}

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

    public static double Apply(UnaryKind kind, double alpha, double beta, double x) => kind switch
    {
        UnaryKind.Exp => Math.Exp(x),
        UnaryKind.Log => Math.Log(x),
        UnaryKind.Sqrt => Math.Sqrt(x),
        UnaryKind.Reciprocal => 1 / x,
        UnaryKind.Neg => -x,
        UnaryKind.Abs => Math.Abs(x),
        UnaryKind.Floor => Math.Floor(x),
        UnaryKind.Ceil => Math.Ceiling(x),
        UnaryKind.Round => Math.Round(x, MidpointRounding.ToEven),
        UnaryKind.Trunc => Math.Truncate(x),
        UnaryKind.Sign => Math.Sign(x),
        UnaryKind.Erf => Runtime.Plan.ElementwiseMath.Erf(x),
        UnaryKind.Softplus => x > 30 ? x : Math.Log(1 + Math.Exp(x)),
        UnaryKind.Softsign => x / (1 + Math.Abs(x)),
        UnaryKind.Elu => x >= 0 ? x : alpha * (Math.Exp(x) - 1),
        UnaryKind.Selu => beta * (x > 0 ? x : alpha * (Math.Exp(x) - 1)),
        UnaryKind.Celu => Math.Max(0, x) + Math.Min(0, alpha * (Math.Exp(x / alpha) - 1)),
        UnaryKind.GeluTanh => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
        UnaryKind.ThresholdedRelu => x > alpha ? x : 0,
        UnaryKind.Not => x == 0 ? 1 : 0,
        UnaryKind.Sin => Math.Sin(x),
        UnaryKind.Cos => Math.Cos(x),
        UnaryKind.Tan => Math.Tan(x),
        UnaryKind.Asin => Math.Asin(x),
        UnaryKind.Acos => Math.Acos(x),
        UnaryKind.Atan => Math.Atan(x),
        UnaryKind.Sinh => Math.Sinh(x),
        UnaryKind.Cosh => Math.Cosh(x),
        UnaryKind.Asinh => Math.Asinh(x),
        UnaryKind.Acosh => Math.Acosh(x),
        UnaryKind.Atanh => Math.Atanh(x),
        UnaryKind.Mish => x * Math.Tanh(x > 30 ? x : Math.Log(1 + Math.Exp(x))),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

/// <summary>
/// Broadcasting binary functions beyond <see cref="BinaryOp"/>'s arithmetic. Comparisons and
/// logic yield 1 for true and 0 for false; logic treats any non-zero operand as true.
/// ModFloor takes the divisor's sign (Python's %), ModTrunc the dividend's (C's fmod).
/// PRelu is x when x ≥ 0, else slope · x, with the slope as the second operand.
/// </summary>
public enum MathBinaryKind
{
    Pow, Max, Min, ModFloor, ModTrunc, PRelu,
    Equal, NotEqual, Greater, GreaterOrEqual, Less, LessOrEqual, And, Or, Xor,
}

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

    public static double Apply(MathBinaryKind kind, double a, double b) => kind switch
    {
        MathBinaryKind.Pow => Math.Pow(a, b),
        MathBinaryKind.Max => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Max(a, b),
        MathBinaryKind.Min => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Min(a, b),
        MathBinaryKind.ModFloor => a - Math.Floor(a / b) * b,
        MathBinaryKind.ModTrunc => a % b,
        MathBinaryKind.PRelu => a >= 0 ? a : b * a,
        MathBinaryKind.Equal => a == b ? 1 : 0,
        MathBinaryKind.NotEqual => a != b ? 1 : 0,
        MathBinaryKind.Greater => a > b ? 1 : 0,
        MathBinaryKind.GreaterOrEqual => a >= b ? 1 : 0,
        MathBinaryKind.Less => a < b ? 1 : 0,
        MathBinaryKind.LessOrEqual => a <= b ? 1 : 0,
        MathBinaryKind.And => a != 0 && b != 0 ? 1 : 0,
        MathBinaryKind.Or => a != 0 || b != 0 ? 1 : 0,
        MathBinaryKind.Xor => (a != 0) != (b != 0) ? 1 : 0,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
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
