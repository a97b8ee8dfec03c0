using System.Text.Json.Serialization;

namespace DnnC.Runtime.Plan;

public enum ActivationKind { Relu, Relu6, LeakyRelu, Sigmoid, Tanh, HardSigmoid, HardSwish, Gelu, Clip }

public enum BinaryKind { Add, Sub, Mul, Div }

/// <summary>Everything a fused epilogue or a pointwise chain may apply to its running value. Every step record is
/// listed here for the plan's JSON (PlanJson).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(ActivationStep), nameof(ActivationStep))]
[JsonDerivedType(typeof(BinaryStep), nameof(BinaryStep))]
[JsonDerivedType(typeof(CastStep), nameof(CastStep))]
[JsonDerivedType(typeof(MathBinaryStep), nameof(MathBinaryStep))]
[JsonDerivedType(typeof(SelectStep), nameof(SelectStep))]
[JsonDerivedType(typeof(UnaryMathStep), nameof(UnaryMathStep))]
public abstract record EpilogueStep
{
    public abstract string Format();
}

/// <summary>
/// An activation applied to the running value. Alpha and Beta: LeakyRelu's slope (Alpha);
/// HardSigmoid's max(0, min(1, Alpha·x + Beta)); Clip's bounds [Alpha, Beta].
/// </summary>
public sealed record ActivationStep(ActivationKind Kind, float Alpha = 0, float Beta = 0) : EpilogueStep
{
    public override string Format() => ElementwiseMath.Describe(Kind, Alpha, Beta);
}

/// <summary>
/// A broadcasting binary op between the running value and the node (or kernel) input at
/// <paramref name="Operand"/>. <paramref name="RunningOnLeft"/> keeps Sub and Div the right way round.
/// </summary>
public sealed record BinaryStep(BinaryKind Kind, int Operand, bool RunningOnLeft = true) : EpilogueStep
{
    public override string Format() =>
        RunningOnLeft ? $"{ElementwiseMath.Name(Kind)}(_, in{Operand})" : $"{ElementwiseMath.Name(Kind)}(in{Operand}, _)";
}

/// <summary>The defining formulas, in float64. Executors and tests share these.</summary>
public static class ElementwiseMath
{
    public static string Name(ActivationKind kind) => kind switch
    {
        ActivationKind.Relu => "relu",
        ActivationKind.Relu6 => "relu6",
        ActivationKind.LeakyRelu => "leaky_relu",
        ActivationKind.Sigmoid => "sigmoid",
        ActivationKind.Tanh => "tanh",
        ActivationKind.HardSigmoid => "hardsigmoid",
        ActivationKind.HardSwish => "hardswish",
        ActivationKind.Gelu => "gelu",
        ActivationKind.Clip => "clip",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string Name(BinaryKind kind) => kind.ToString().ToLowerInvariant();

    public static string Describe(ActivationKind kind, float alpha, float beta)
    {
        string f(float v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return kind switch
        {
            ActivationKind.LeakyRelu => $"leaky_relu(alpha={f(alpha)})",
            ActivationKind.HardSigmoid => $"hardsigmoid(alpha={f(alpha)}, beta={f(beta)})",
            ActivationKind.Clip => $"clip(min={f(alpha)}, max={f(beta)})",
            _ => Name(kind),
        };
    }

    public static double Activation(ActivationKind kind, float alpha, float beta, double x) => kind switch
    {
        ActivationKind.Relu => Math.Max(x, 0),
        ActivationKind.Relu6 => Math.Min(Math.Max(x, 0), 6),
        ActivationKind.LeakyRelu => x >= 0 ? x : alpha * x,
        ActivationKind.Sigmoid => 1 / (1 + Math.Exp(-x)),
        ActivationKind.Tanh => Math.Tanh(x),
        ActivationKind.HardSigmoid => Math.Max(0, Math.Min(1, alpha * x + beta)),
        ActivationKind.HardSwish => x * Math.Max(0, Math.Min(1, x / 6 + 0.5)),
        ActivationKind.Gelu => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))),
        ActivationKind.Clip => Math.Min(Math.Max(x, alpha), beta),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static double Binary(BinaryKind kind, double a, double b) => kind switch
    {
        BinaryKind.Add => a + b,
        BinaryKind.Sub => a - b,
        BinaryKind.Mul => a * b,
        BinaryKind.Div => a / b,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>erf to about 1e-15 (Abramowitz–Stegun 7.1.26 is too coarse for a float64 oracle).</summary>
    public static double Erf(double x)
    {
        double ax = Math.Abs(x);
        if (ax < 2.5)
        {
            // Maclaurin series: erf x = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1)).
            double sum = x, term = x, x2 = x * x;
            for (int n = 1; n < 200; n++)
            {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.Abs(add) < 1e-17 * Math.Abs(sum)) break;
            }
            return 2 / Math.Sqrt(Math.PI) * sum;
        }
        if (ax > 6) return Math.Sign(x);
        // Continued fraction for erfc: exp(-x²)/√π / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))).
        double f = ax;
        for (int k = 60; k >= 1; k--) f = ax + k / 2.0 / f;
        double erfc = Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / f;
        return Math.Sign(x) * (1 - erfc);
    }
}
