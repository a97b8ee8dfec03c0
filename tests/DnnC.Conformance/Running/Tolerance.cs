using DnnC.Compiler.Tensors;
using DnnC.Conformance.Suite;
using DnnC.Runtime;
using DnnC.Runtime.Numerics;

namespace DnnC.Conformance.Running;

/// <summary>
/// The ONNX backend-test rule: |actual − expected| ≤ atol + rtol·|expected| elementwise, NaN equal
/// to NaN, infinities equal only to the same infinity, shapes equal.
/// </summary>
public sealed record Tolerance(double Rtol, double Atol)
{
    public static Tolerance Onnx { get; } = new(1e-3, 1e-7);

    /// <summary>
    /// Null when <paramref name="actual"/> matches: the same element type (the ONNX backend runner
    /// asserts it), shape and values; otherwise what differs, for the report.
    /// </summary>
    public string? Mismatch(TypedTensor expected, TypedTensor actual)
    {
        if (expected.Type != actual.Type)
            return $"element type {ElementTypes.Name(actual.Type)} but expected {ElementTypes.Name(expected.Type)}";
        return Mismatch(expected.Shape, expected.Values, actual.Shape, actual.Values);
    }

    /// <summary>Null when <paramref name="actual"/> matches in shape and values; otherwise what differs.</summary>
    public string? Mismatch(TensorValues expected, HostTensor actual) =>
        Mismatch(expected.Shape, expected.Values, actual.Shape, Array.ConvertAll(actual.Data, v => (double)v));

    private string? Mismatch(int[] expectedShape, double[] expected, int[] actualShape, double[] actual)
    {
        if (!expectedShape.SequenceEqual(actualShape))
            return $"shape {ShapeText(actualShape)} but expected {ShapeText(expectedShape)}";
        int worst = -1, outside = 0;
        double worstError = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (Matches(e, a)) continue;
            outside++;
            double error = Math.Abs(a - e);
            if (worst < 0 || error > worstError || double.IsNaN(error)) (worst, worstError) = (i, error);
        }
        if (outside == 0) return null;
        return $"{outside} of {expected.Length} values outside tolerance; max abs error {Format(worstError)} " +
               $"at index {worst} (expected {Format(expected[worst])}, got {Format(actual[worst])})";
    }

    public bool Matches(double expected, double actual)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual)) return double.IsNaN(expected) && double.IsNaN(actual);
        if (double.IsInfinity(expected) || double.IsInfinity(actual)) return expected == actual;
        return Math.Abs(actual - expected) <= Atol + Rtol * Math.Abs(expected);
    }

    private static string ShapeText(int[] shape) => "[" + string.Join(", ", shape) + "]";

    private static string Format(double value) => value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
}
