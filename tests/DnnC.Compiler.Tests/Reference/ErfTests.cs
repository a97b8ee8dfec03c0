using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Tests.Reference;

public sealed class ErfTests
{
    [Theory]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(2.0, 0.9953222650189527)]
    [InlineData(3.0, 0.9999779095030014)]
    [InlineData(-1.5, -0.9661051464753108)]
    [InlineData(0.0, 0.0)]
    public void ErfMatchesKnownValues(double x, double expected)
    {
        Assert.Equal(expected, ElementwiseMath.Erf(x), 1e-13);
    }

    [Fact]
    public void ErfAgreesWithAnIndependentSeriesAcrossTheRange()
    {
        // Both branches of ElementwiseMath.Erf (series below 2.5, continued fraction above) and the switch point.
        var rng = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            double x = (rng.NextDouble() * 2 - 1) * 5.5;
            Assert.True(Math.Abs(Naive.Erf(x) - ElementwiseMath.Erf(x)) < 2e-14, $"erf({x:R})");
        }
        foreach (double x in new[] { 2.4999999, 2.5, 2.5000001, -2.5 })
            Assert.True(Math.Abs(Naive.Erf(x) - ElementwiseMath.Erf(x)) < 2e-14, $"erf({x:R})");
    }

    [Fact]
    public void GeluUsesExactErf()
    {
        // gelu(1) = 0.5 · (1 + erf(1/√2)) = 0.8413447460685429.
        Assert.Equal(0.8413447460685429, ElementwiseMath.Activation(ActivationKind.Gelu, 0, 0, 1.0), 1e-14);
    }
}
