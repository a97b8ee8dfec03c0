using DnnC.Compiler.Tensors;
using DnnC.Runtime;

namespace DnnC.Cli;

/// <summary>
/// How far <c>actual</c> is from <c>expected</c>: the largest absolute difference and the relative
/// L2 error ||actual − expected|| / ||expected||, both accumulated in float64. A NaN or infinity on
/// either side makes both NaN, so no tolerance accepts it.
/// </summary>
public sealed record TensorDifference(long Elements, double MaxAbs, double RelativeL2)
{
    public static TensorDifference Measure(HostTensor actual, HostTensor expected)
    {
        if (!actual.Shape.SequenceEqual(expected.Shape))
            throw new ArgumentException($"shapes differ: {actual.ShapeText} vs {expected.ShapeText}");
        return Measure(Array.ConvertAll(actual.Data, v => (double)v), Array.ConvertAll(expected.Data, v => (double)v));
    }

    public static TensorDifference Measure(TypedTensor actual, TypedTensor expected)
    {
        if (!actual.Shape.SequenceEqual(expected.Shape))
            throw new ArgumentException($"shapes differ: {actual.ShapeText} vs {expected.ShapeText}");
        return Measure(actual.Values, expected.Values);
    }

    private static TensorDifference Measure(double[] actual, double[] expected)
    {
        double maxAbs = 0, difference = 0, reference = 0;
        bool finite = true;
        for (int i = 0; i < expected.Length; i++)
        {
            double a = actual[i], e = expected[i];
            finite &= double.IsFinite(a) && double.IsFinite(e);
            double d = Math.Abs(a - e);
            maxAbs = Math.Max(maxAbs, d);
            difference += d * d;
            reference += e * e;
        }
        if (!finite) return new TensorDifference(expected.Length, double.NaN, double.NaN);
        double relative = reference > 0 ? Math.Sqrt(difference / reference) : difference == 0 ? 0 : double.PositiveInfinity;
        return new TensorDifference(expected.Length, maxAbs, relative);
    }

    /// <summary>Written so that NaN fails: only a number at or under the tolerance passes.</summary>
    public bool Within(double maxRelativeL2) => RelativeL2 <= maxRelativeL2;
}
