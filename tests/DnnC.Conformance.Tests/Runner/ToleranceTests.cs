using DnnC.Conformance.Running;
using DnnC.Conformance.Suite;
using DnnC.Runtime;

namespace DnnC.Conformance.Tests.Runner;

public sealed class ToleranceTests
{
    private static TensorValues Expected(params double[] values) => new("", "FLOAT", [values.Length], values);

    private static HostTensor Actual(params float[] values) => new([values.Length], values);

    [Theory]
    [InlineData(1000.0, 1000.9, true)]     // within rtol·|e| = 1
    [InlineData(1000.0, 1001.01, false)]
    [InlineData(0.0, 5e-8, true)]          // within atol
    [InlineData(0.0, 2e-7, false)]
    [InlineData(-2.0, -2.0019, true)]
    [InlineData(-2.0, -2.0021, false)]
    public void AppliesTheOnnxRule(double expected, double actual, bool matches) =>
        Assert.Equal(matches, Tolerance.Onnx.Matches(expected, actual));

    [Fact]
    public void NanMatchesOnlyNanAndInfinityOnlyTheSameInfinity()
    {
        Assert.True(Tolerance.Onnx.Matches(double.NaN, double.NaN));
        Assert.False(Tolerance.Onnx.Matches(double.NaN, 0));
        Assert.False(Tolerance.Onnx.Matches(0, double.NaN));
        Assert.True(Tolerance.Onnx.Matches(double.PositiveInfinity, double.PositiveInfinity));
        Assert.False(Tolerance.Onnx.Matches(double.PositiveInfinity, double.NegativeInfinity));
        Assert.False(Tolerance.Onnx.Matches(double.PositiveInfinity, float.MaxValue));
    }

    [Fact]
    public void ReportsTheWorstValueAndHowManyAreOutside()
    {
        var mismatch = Tolerance.Onnx.Mismatch(Expected(1, 2, 3, 4), Actual(1, 2.5f, 3, 7));
        Assert.NotNull(mismatch);
        Assert.Contains("2 of 4 values", mismatch);
        Assert.Contains("at index 3", mismatch);
        Assert.Null(Tolerance.Onnx.Mismatch(Expected(1, 2), Actual(1, 2)));
    }

    [Fact]
    public void ShapesMustMatchEvenWhenTheValuesDo()
    {
        var expected = new TensorValues("", "FLOAT", [2, 2], [1, 2, 3, 4]);
        var mismatch = Tolerance.Onnx.Mismatch(expected, new HostTensor([4], [1, 2, 3, 4]));
        Assert.Equal("shape [4] but expected [2, 2]", mismatch);
    }
}
