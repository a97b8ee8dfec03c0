using DnnC.Conformance.Suite;
using DnnC.Runtime;

namespace DnnC.Conformance.Running;

/// <summary>
/// The ONNX backend-test rule: |actual − expected| ≤ atol + rtol·|expected| elementwise, NaN equal
/// to NaN, infinities equal only to the same infinity, shapes equal.
/// </summary>
public sealed record Tolerance(double Rtol, double Atol)
{
    public static Tolerance Onnx { get; } = new(1e-3, 1e-7);

    /// <summary>Null when <paramref name="actual"/> matches; otherwise what differs, for the report.</summary>
    public string? Mismatch(TensorValues expected, HostTensor actual)
    {
        if (!expected.Shape.SequenceEqual(actual.Shape))
            return $"shape {HostTensorShape(actual.Shape)} but expected {HostTensorShape(expected.Shape)}";
        int worst = -1, outside = 0;
        double worstError = 0;
        for (int i = 0; i < expected.Values.Length; i++)
        {
            double e = expected.Values[i], a = actual.Data[i];
            if (Matches(e, a)) continue;
            outside++;
            double error = Math.Abs(a - e);
            if (worst < 0 || error > worstError || double.IsNaN(error)) (worst, worstError) = (i, error);
        }
        if (outside == 0) return null;
        return $"{outside} of {expected.Values.Length} values outside tolerance; max abs error {Format(worstError)} " +
               $"at index {worst} (expected {Format(expected.Values[worst])}, got {Format(actual.Data[worst])})";
    }

    public bool Matches(double expected, double actual)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual)) return double.IsNaN(expected) && double.IsNaN(actual);
        if (double.IsInfinity(expected) || double.IsInfinity(actual)) return expected == actual;
        return Math.Abs(actual - expected) <= Atol + Rtol * Math.Abs(expected);
    }

    private static string HostTensorShape(int[] shape) => "[" + string.Join(", ", shape) + "]";

    private static string Format(double value) => value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
}
