using DnnC.Runtime;

namespace DnnC.Compiler.Tests.TestSupport;

public static class Compare
{
    /// <summary>Asserts |a − b| ≤ atol + rtol·|b| elementwise (the ONNX test rule), naming the first offender.</summary>
    public static void Close(HostTensor expected, HostTensor actual, double rtol = 1e-5, double atol = 1e-6)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected.Data[i], a = actual.Data[i];
            Assert.False(double.IsNaN(a), $"NaN at {i}");
            if (Math.Abs(a - e) > atol + rtol * Math.Abs(e))
                Assert.Fail($"element {i}: expected {e:R}, got {a:R} (|diff| {Math.Abs(a - e):G3})");
        }
    }

    /// <summary>‖actual − expected‖₂ / ‖expected‖₂, in float64; NaN anywhere in <paramref name="actual"/> gives NaN.</summary>
    public static double RelativeL2(HostTensor expected, HostTensor actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        double num = 0, den = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            num += Math.Pow((double)expected.Data[i] - actual.Data[i], 2);
            den += Math.Pow(expected.Data[i], 2);
        }
        return Math.Sqrt(num / Math.Max(den, 1e-30));
    }
}
