using DnnC.Runtime.Numerics;

namespace DnnC.Runtime.Tests.Numerics;

public class ElementCastTests
{
    private static readonly ElementFormat[] SmallFloats =
    [
        ElementFormat.Float8E4M3FN, ElementFormat.Float8E4M3FNUZ, ElementFormat.Float8E5M2,
        ElementFormat.Float8E5M2FNUZ, ElementFormat.Float4E2M1,
    ];

    /// <summary>Every finite value a format holds, with its code, by enumerating the codes.</summary>
    private static List<(double Value, uint Code)> FiniteValues(ElementFormat format)
    {
        int bits = ElementCodec.StorageBits(format);
        var values = new List<(double, uint)>();
        for (uint code = 0; code < 1u << bits; code++)
        {
            double v = ElementCodec.Decode(format, code);
            if (double.IsFinite(v)) values.Add((v, code));
        }
        return values;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Every_value_of_a_format_casts_to_itself(ElementFormat format)
    {
        foreach (var (value, code) in FiniteValues(format))
            Assert.True(ElementCast.Apply(format, value, saturate: false) == value, $"{format} code 0x{code:X}: {value} cast to {ElementCast.Apply(format, value, saturate: false)}");
    }

    public static TheoryData<ElementFormat> Formats() => new(Enum.GetValues<ElementFormat>().Where(f => ElementCodec.StorageBits(f) <= 16));

    [Theory]
    [MemberData(nameof(SmallFloatFormats))]
    public void Casting_picks_the_nearest_value_and_the_even_code_on_ties(ElementFormat format)
    {
        // Brute force over the enumerated value set, independent of the grid arithmetic in ElementCast.
        var values = FiniteValues(format).Where(v => v.Value >= 0 && (v.Value != 0 || v.Code == 0)).OrderBy(v => v.Value).ToList();
        double max = values[^1].Value;
        var random = new Random(1234 + (int)format);
        for (int trial = 0; trial < 20000; trial++)
        {
            // Log-uniform magnitudes reach the subnormals and the top binade alike; a quarter are exact midpoints.
            double x = Math.Pow(2, random.NextDouble() * 30 - 20) * max / 1024;
            if (trial % 4 == 0)
            {
                int i = random.Next(values.Count - 1);
                x = (values[i].Value + values[i + 1].Value) / 2;
            }
            if (x > max) continue;
            double best = values.MinBy(v => Math.Abs(v.Value - x)).Value;
            var tied = values.Where(v => Math.Abs(v.Value - x) == Math.Abs(best - x)).ToList();
            double expected = tied.Count == 1 ? tied[0].Value : tied.Single(v => (v.Code & 1) == 0).Value;
            Assert.Equal(expected, ElementCast.Apply(format, x));
            Assert.Equal(-expected, ElementCast.Apply(format, -x));
        }
    }

    public static TheoryData<ElementFormat> SmallFloatFormats() => new(SmallFloats);

    [Fact]
    public void Float16_matches_System_Half_on_random_floats()
    {
        var random = new Random(7);
        for (int i = 0; i < 100000; i++)
        {
            float x = BitConverter.Int32BitsToSingle(random.Next()) * (random.Next(2) == 0 ? 1 : -1);
            if (float.IsNaN(x)) continue;
            double expected = (double)(Half)x;
            Assert.Equal(expected, ElementCast.Apply(ElementFormat.Float16, x));
        }
    }

    [Fact]
    public void BFloat16_matches_bit_rounding_of_the_float32_pattern()
    {
        var random = new Random(8);
        for (int i = 0; i < 100000; i++)
        {
            float x = BitConverter.Int32BitsToSingle(random.Next()) * (random.Next(2) == 0 ? 1 : -1);
            if (!float.IsFinite(x)) continue;
            uint bits = BitConverter.SingleToUInt32Bits(x);
            uint rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000;
            Assert.Equal((double)BitConverter.UInt32BitsToSingle(rounded), ElementCast.Apply(ElementFormat.BFloat16, x));
        }
    }

    // Pinned against the ONNX backend node suite (test_cast_FLOAT_to_FLOAT8E4M3FN, ..._FLOAT8E5M2 and
    // their no_saturate twins): input 1e6, +inf, -inf and -1e6.
    [Theory]
    [InlineData(ElementFormat.Float8E4M3FN, true, 448, 448, -448, -448)]
    [InlineData(ElementFormat.Float8E4M3FN, false, double.NaN, double.NaN, double.NaN, double.NaN)]
    [InlineData(ElementFormat.Float8E5M2, true, 57344, 57344, -57344, -57344)]
    [InlineData(ElementFormat.Float8E5M2, false, double.PositiveInfinity, double.PositiveInfinity, double.NegativeInfinity, double.NegativeInfinity)]
    [InlineData(ElementFormat.Float4E2M1, false, 6, 6, -6, -6)]
    public void Out_of_range_values_saturate_or_overflow_as_ONNX_says(ElementFormat format, bool saturate, double big, double inf, double negInf, double negBig)
    {
        Assert.Equal(big, ElementCast.Apply(format, 1e6, saturate));
        Assert.Equal(inf, ElementCast.Apply(format, double.PositiveInfinity, saturate));
        Assert.Equal(negInf, ElementCast.Apply(format, double.NegativeInfinity, saturate));
        Assert.Equal(negBig, ElementCast.Apply(format, -1e6, saturate));
    }

    [Fact]
    public void E8M0_rounds_up_to_a_power_of_two_as_the_node_suite_expects()
    {
        // test_cast_e8m0_FLOAT_to_FLOAT8E8M0 (round_mode "up"): codes 00 7c 7d 7e 80 80 81 82.
        double[] input = [0, 0.124, 0.25, 0.5, 1.1, 2, 4, 8];
        uint[] codes = [0x00, 0x7c, 0x7d, 0x7e, 0x80, 0x80, 0x81, 0x82];
        for (int i = 0; i < input.Length; i++)
            Assert.Equal(ElementCodec.Decode(ElementFormat.Float8E8M0, codes[i]), ElementCast.Apply(ElementFormat.Float8E8M0, input[i]));
        Assert.Equal(1.0, ElementCast.Apply(ElementFormat.Float8E8M0, 1.4, rounding: PowerOfTwoRounding.Nearest));
        Assert.Equal(2.0, ElementCast.Apply(ElementFormat.Float8E8M0, 1.5, rounding: PowerOfTwoRounding.Nearest));
        Assert.Equal(1.0, ElementCast.Apply(ElementFormat.Float8E8M0, 1.9, rounding: PowerOfTwoRounding.Down));
    }

    [Fact]
    public void Integers_truncate_then_wrap_like_the_node_suite()
    {
        // test_cast_FLOAT_to_INT4 and test_cast_FLOAT_to_UINT2: -9 wraps to 7, 8 to -8; -3 to 1 in two unsigned bits.
        Assert.Equal(7, ElementCast.Apply(ElementFormat.Int4, -9));
        Assert.Equal(-8, ElementCast.Apply(ElementFormat.Int4, 8));
        Assert.Equal(-1, ElementCast.Apply(ElementFormat.Int4, 15));
        Assert.Equal(1, ElementCast.Apply(ElementFormat.UInt2, -3));
        Assert.Equal(3, ElementCast.Apply(ElementFormat.UInt2, -1.5));
        Assert.Equal(44, ElementCast.Apply(ElementFormat.UInt8, 300.7));
        Assert.Equal(-2, ElementCast.Apply(ElementFormat.Int8, -2.9));
    }

    [Fact]
    public void Packed_storage_decodes_low_bits_first()
    {
        // output_0.pb of test_cast_FLOAT_to_INT4 holds 87 a9 cb ed 0f ... for 7, -8, -7, -6, ... .
        var int4 = ElementCodec.DecodeRaw(ElementFormat.Int4, [0x87, 0xa9, 0xcb], 6);
        Assert.Equal([7, -8, -7, -6, -5, -4], int4);
        var uint2 = ElementCodec.DecodeRaw(ElementFormat.UInt2, [0x39, 0x39], 7);
        Assert.Equal([1, 2, 3, 0, 1, 2, 3], uint2);
        Assert.Throws<ArgumentException>(() => ElementCodec.DecodeRaw(ElementFormat.Int4, [0x87], 3));
    }

    [Fact]
    public void Special_codes_decode_as_their_formats_define()
    {
        Assert.True(double.IsNaN(ElementCodec.Decode(ElementFormat.Float8E4M3FN, 0x7F)));
        Assert.Equal(448, ElementCodec.Decode(ElementFormat.Float8E4M3FN, 0x7E));
        Assert.True(double.IsNaN(ElementCodec.Decode(ElementFormat.Float8E4M3FNUZ, 0x80)));
        Assert.Equal(240, ElementCodec.Decode(ElementFormat.Float8E4M3FNUZ, 0x7F));
        Assert.Equal(double.PositiveInfinity, ElementCodec.Decode(ElementFormat.Float8E5M2, 0x7C));
        Assert.Equal(57344, ElementCodec.Decode(ElementFormat.Float8E5M2FNUZ, 0x7F));
        Assert.Equal(-6, ElementCodec.Decode(ElementFormat.Float4E2M1, 0xF));
        Assert.Equal(Math.ScaleB(1.0, -9), ElementCodec.Decode(ElementFormat.Float8E4M3FN, 0x01));   // smallest subnormal
    }
}
