using DnnC.Compiler.CodeGen;

namespace DnnC.Compiler.Tests.CodeGen;

public sealed class CudaTextTests
{
    [Theory]
    [InlineData("k0_conv")]
    [InlineData("_k")]
    [InlineData("K12")]
    public void PlainIdentifiersPass(string name) => Assert.Equal(name, CudaText.CheckIdentifier(name));

    [Theory]
    [InlineData("")]
    [InlineData("0k")]
    [InlineData("k-1")]
    [InlineData("k 1")]
    [InlineData("k();")]
    [InlineData("ké")]
    [InlineData("k\n")]
    public void AnythingElseIsRejected(string name) => Assert.Throws<ArgumentException>(() => CudaText.CheckIdentifier(name));

    [Theory]
    [InlineData("evil*/ #include <x>\n", "evil #include <x>")]
    [InlineData("a**//b", "ab")]
    [InlineData("a/**/b", "ab")]
    [InlineData("line\\\nsplice", "linesplice")]
    [InlineData("tab\there\u00e9\u0001", "tabhere")]
    public void CommentsCannotBeClosedOrSplit(string text, string expected)
    {
        string escaped = CudaText.Comment(text);
        Assert.Equal(expected, escaped);
        Assert.DoesNotContain("*/", escaped);
        Assert.DoesNotContain("\n", escaped);
    }

    [Theory]
    [InlineData(1f, "1.0f")]
    [InlineData(-0.5f, "-0.5f")]
    [InlineData(0.1f, "0.1f")]
    [InlineData(1e-5f, "1E-05f")]
    [InlineData(3e38f, "3E+38f")]
    [InlineData(float.PositiveInfinity, "__int_as_float(0x7f800000)")]
    [InlineData(float.NegativeInfinity, "__int_as_float(0xff800000)")]
    public void FloatLiteralsAreExactAndHeaderFree(float value, string expected) =>
        Assert.Equal(expected, CudaText.Float(value));

    [Fact]
    public void FloatLiteralsRoundTripOnRandomValues()
    {
        var random = new Random(1234);
        for (int i = 0; i < 1000; i++)
        {
            float value = BitConverter.Int32BitsToSingle(random.Next());
            if (!float.IsFinite(value)) continue;
            string literal = CudaText.Float(value);
            Assert.EndsWith("f", literal);
            Assert.Equal(value, float.Parse(literal[..^1], System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
