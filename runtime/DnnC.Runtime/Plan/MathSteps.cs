namespace DnnC.Runtime.Plan;

/// <summary>Elementwise functions of one operand that the activation set does not cover.</summary>
public enum UnaryKind
{
    Exp, Log, Sqrt, Reciprocal, Neg, Abs, Floor, Ceil, Round, Trunc, Sign,
    Erf, Softplus, Softsign, Elu, Selu, Celu, GeluTanh, ThresholdedRelu, Not,
    Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh, Asinh, Acosh, Atanh, Mish,
}

/// <summary>
/// Broadcasting binary functions beyond <see cref="BinaryKind"/>'s arithmetic. Comparisons and
/// logic yield 1 for true and 0 for false; logic treats any non-zero operand as true.
/// ModFloor takes the divisor's sign (Python's %), ModTrunc the dividend's (C's fmod).
/// PRelu is x when x ≥ 0, else slope · x, with the slope as the second operand.
/// </summary>
public enum MathBinaryKind
{
    Pow, Max, Min, ModFloor, ModTrunc, PRelu,
    Equal, NotEqual, Greater, GreaterOrEqual, Less, LessOrEqual, And, Or, Xor,
}

/// <summary>
/// A unary function applied to the running value. Alpha and Beta: Elu, Celu and ThresholdedRelu's
/// alpha; Selu's alpha (Alpha) and gamma (Beta). It has no operand, so it fuses into any chain.
/// </summary>
public sealed record UnaryMathStep(UnaryKind Kind, float Alpha = 0, float Beta = 0) : EpilogueStep
{
    public override string Format() => Kind switch
    {
        UnaryKind.Elu or UnaryKind.Celu or UnaryKind.ThresholdedRelu => $"{MathFunctions.Name(Kind)}(alpha={F(Alpha)})",
        UnaryKind.Selu => $"selu(alpha={F(Alpha)}, gamma={F(Beta)})",
        _ => MathFunctions.Name(Kind),
    };

    private static string F(float v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// A <see cref="MathBinaryKind"/> function of the running value and the operand at
/// <paramref name="Operand"/>; <paramref name="RunningOnLeft"/> says which side the running value takes.
/// </summary>
public sealed record MathBinaryStep(MathBinaryKind Kind, int Operand, bool RunningOnLeft = true) : EpilogueStep
{
    public override string Format() =>
        RunningOnLeft ? $"{MathFunctions.Name(Kind)}(_, in{Operand})" : $"{MathFunctions.Name(Kind)}(in{Operand}, _)";
}

/// <summary>
/// Where: the running value is the condition; non-zero selects operand <paramref name="Then"/>, zero
/// operand <paramref name="Else"/>.
/// </summary>
public sealed record SelectStep(int Then, int Else) : EpilogueStep
{
    public override string Format() => $"where(_, in{Then}, in{Else})";
}

/// <summary>The float64 definitions of <see cref="UnaryKind"/> and <see cref="MathBinaryKind"/>; the reference and the tests share them.</summary>
public static class MathFunctions
{
    public static string Name(UnaryKind kind) => kind.ToString().ToLowerInvariant();

    public static string Name(MathBinaryKind kind) => kind.ToString().ToLowerInvariant();

    public static double Unary(UnaryKind kind, double alpha, double beta, double x) => kind switch
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
        UnaryKind.Erf => ElementwiseMath.Erf(x),
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

    public static double Binary(MathBinaryKind kind, double a, double b) => kind switch
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
