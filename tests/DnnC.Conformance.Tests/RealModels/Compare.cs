using DnnC.Conformance.Running;
using DnnC.Conformance.Suite;
using DnnC.Runtime;

namespace DnnC.Conformance.Tests.RealModels;

public static class Compare
{
    /// <summary>‖actual − expected‖₂ / ‖expected‖₂, after checking the shapes agree.</summary>
    public static double RelativeL2(TensorValues expected, HostTensor actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        double diff = 0, norm = 0;
        for (int i = 0; i < expected.Values.Length; i++)
        {
            double d = actual.Data[i] - expected.Values[i];
            diff += d * d;
            norm += expected.Values[i] * expected.Values[i];
        }
        Assert.True(norm > 0, "the expected output is all zeros, which would make any comparison meaningless");
        return Math.Sqrt(diff / norm);
    }

    public static void WithinOnnxTolerance(TensorValues expected, HostTensor actual, string what)
    {
        var mismatch = Tolerance.Onnx.Mismatch(expected, actual);
        Assert.True(mismatch is null, $"{what}: {mismatch}");
    }
}
