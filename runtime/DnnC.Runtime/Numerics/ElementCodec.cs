namespace DnnC.Runtime.Numerics;

/// <summary>
/// Decodes the stored bits of the narrow element types to their values. Sub-byte types are packed
/// little-end first, as ONNX stores them: two 4-bit elements per byte (element 0 in the low nibble),
/// four 2-bit elements per byte (element 0 in the low two bits).
/// </summary>
public static class ElementCodec
{
    /// <summary>Bits one element occupies in raw storage.</summary>
    public static int StorageBits(ElementFormat format) => format switch
    {
        ElementFormat.Int2 or ElementFormat.UInt2 => 2,
        ElementFormat.Int4 or ElementFormat.UInt4 or ElementFormat.Float4E2M1 => 4,
        ElementFormat.Float16 or ElementFormat.BFloat16 or ElementFormat.Int16 or ElementFormat.UInt16 => 16,
        ElementFormat.Int32 or ElementFormat.UInt32 => 32,
        _ => 8,
    };

    /// <summary>Bytes that <paramref name="count"/> packed elements occupy.</summary>
    public static long StorageBytes(ElementFormat format, long count) => (count * StorageBits(format) + 7) / 8;

    /// <summary>Decodes <paramref name="count"/> elements from raw little-endian storage.</summary>
    public static double[] DecodeRaw(ElementFormat format, ReadOnlySpan<byte> raw, int count)
    {
        int bits = StorageBits(format);
        if (raw.Length != StorageBytes(format, count))
            throw new ArgumentException($"{count} {ElementFormats.Name(format)} elements take {StorageBytes(format, count)} bytes, not {raw.Length}");
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            long bit = (long)i * bits;
            uint code = 0;
            for (int b = 0; b < (bits + 7) / 8; b++) code |= (uint)raw[(int)(bit / 8) + b] << (8 * b);
            if (bits < 8) code = (code >> (int)(bit % 8)) & ((1u << bits) - 1);
            values[i] = Decode(format, code);
        }
        return values;
    }

    /// <summary>The value of one element's code (the low <see cref="StorageBits"/> bits of <paramref name="code"/>).</summary>
    public static double Decode(ElementFormat format, uint code)
    {
        if (ElementFormats.Integer(format) is { } integer)
        {
            long value = code & (integer.Bits == 32 ? uint.MaxValue : (1u << integer.Bits) - 1);
            return integer.Signed && value >= 1L << (integer.Bits - 1) ? value - (1L << integer.Bits) : value;
        }
        if (format == ElementFormat.Float8E8M0)
            return (code & 0xFF) == 0xFF ? double.NaN : Math.ScaleB(1.0, (int)(code & 0xFF) - 127);
        return DecodeFloat(ElementFormats.Layout(format)!, code);
    }

    private static double DecodeFloat(FloatLayout layout, uint code)
    {
        uint exponentMask = (1u << layout.ExponentBits) - 1, mantissaMask = (1u << layout.MantissaBits) - 1;
        bool negative = (code >> (layout.Bits - 1) & 1) != 0;
        uint exponent = code >> layout.MantissaBits & exponentMask;
        uint mantissa = code & mantissaMask;
        switch (layout.Specials)
        {
            case FloatSpecials.Ieee when exponent == exponentMask:
                return mantissa != 0 ? double.NaN : negative ? double.NegativeInfinity : double.PositiveInfinity;
            case FloatSpecials.FiniteWithNaN when exponent == exponentMask && mantissa == mantissaMask:
                return double.NaN;
            case FloatSpecials.FiniteUnsignedZero when negative && exponent == 0 && mantissa == 0:
                return double.NaN;
        }
        double magnitude = exponent == 0
            ? Math.ScaleB(mantissa, layout.MinExponent - layout.MantissaBits)
            : Math.ScaleB(mantissa + (double)(1u << layout.MantissaBits), (int)exponent - layout.Bias - layout.MantissaBits);
        return negative ? -magnitude : magnitude;
    }

    /// <summary>
    /// The code of <paramref name="value"/>, which must be one of the format's values (cast it with
    /// <see cref="ElementCast"/> first). The inverse of <see cref="Decode"/>; NaN takes the format's
    /// canonical NaN code.
    /// </summary>
    public static uint Encode(ElementFormat format, double value)
    {
        if (ElementFormats.Integer(format) is { } integer)
            return (uint)((long)value & (integer.Bits == 32 ? uint.MaxValue : (1L << integer.Bits) - 1));
        switch (format)
        {
            case ElementFormat.Float16:
                return BitConverter.HalfToUInt16Bits((Half)value);
            case ElementFormat.BFloat16:
                // A BFLOAT16 value is a float32 whose low 16 bits are zero; NaN keeps a quiet NaN's top half.
                return double.IsNaN(value) ? 0x7FC0u : (uint)BitConverter.SingleToInt32Bits((float)value) >> 16;
        }
        var table = CodeTables.GetOrAdd(format, BuildCodeTable);
        if (double.IsNaN(value) && table.NaN is uint nan) return nan;
        if (value == 0 && double.IsNegative(value) && table.NegativeZero is uint negativeZero) return negativeZero;
        if (value == 0) return 0;   // +0 is code 0 in every format (FNUZ's -0 is +0)
        if (table.Codes.TryGetValue(value, out uint code)) return code;
        throw new ArgumentException($"{value} is not a {ElementFormats.Name(format)} value");
    }

    private sealed record CodeTable(Dictionary<double, uint> Codes, uint? NaN, uint? NegativeZero);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<ElementFormat, CodeTable> CodeTables = new();

    /// <summary>Every code of an 8-bit-or-narrower float format, by value (the first code wins, so +0 before -0).</summary>
    private static CodeTable BuildCodeTable(ElementFormat format)
    {
        var codes = new Dictionary<double, uint>();
        uint? nan = null, negativeZero = null;
        for (uint code = 0; code < 1u << StorageBits(format); code++)
        {
            double v = Decode(format, code);
            if (double.IsNaN(v)) nan ??= code;
            else if (v == 0 && double.IsNegative(v)) negativeZero ??= code;
            else if (v != 0) codes.TryAdd(v, code);
        }
        return new CodeTable(codes, nan, negativeZero);
    }
}
