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
}
