namespace DnnC.Runtime.Numerics;

/// <summary>
/// The element types narrower than float32 that a model may cast to. DnnC computes in float32,
/// and every value of each of these types is exactly a float32, so a cast is a rounding of the
/// float32 value onto the type's value set (<see cref="ElementCast"/>), and a tensor of the type
/// is decoded to float32 without loss (<see cref="ElementCodec"/>).
/// </summary>
public enum ElementFormat
{
    Float16, BFloat16,
    Float8E4M3FN, Float8E4M3FNUZ, Float8E5M2, Float8E5M2FNUZ, Float4E2M1, Float8E8M0,
    Int2, UInt2, Int4, UInt4, Int8, UInt8, Int16, UInt16, Int32, UInt32,
}

/// <summary>How a cast to <see cref="ElementFormat.Float8E8M0"/> picks a power of two (ONNX Cast's round_mode).</summary>
public enum PowerOfTwoRounding { Up, Down, Nearest }

/// <summary>What a binary floating-point format can hold; the facts <see cref="ElementCast"/> and <see cref="ElementCodec"/> share.</summary>
/// <param name="MantissaBits">Stored fraction bits.</param>
/// <param name="MinExponent">Exponent of the smallest normal number, 1 − bias.</param>
/// <param name="Max">Largest finite value.</param>
/// <param name="Overflow">What a finite value that rounds beyond <paramref name="Max"/> becomes without saturation.</param>
public sealed record FloatLayout(int ExponentBits, int MantissaBits, int Bias, double Max, FloatOverflow Overflow, FloatSpecials Specials)
{
    public int MinExponent => 1 - Bias;
    public int Bits => 1 + ExponentBits + MantissaBits;
}

public enum FloatOverflow { Infinity, NaN, Saturate }

/// <summary>Which codes are not ordinary numbers: IEEE (all-ones exponent), FN (only S.1111.111 is NaN),
/// FNUZ (only 0x80 is NaN, no negative zero), none (FLOAT4E2M1).</summary>
public enum FloatSpecials { Ieee, FiniteWithNaN, FiniteUnsignedZero, None }

public static class ElementFormats
{
    /// <summary>The binary layout of a floating-point format; null for integers and E8M0 (a bare exponent).</summary>
    public static FloatLayout? Layout(ElementFormat format) => format switch
    {
        ElementFormat.Float16 => new(5, 10, 15, 65504, FloatOverflow.Infinity, FloatSpecials.Ieee),
        ElementFormat.BFloat16 => new(8, 7, 127, (2 - Math.Pow(2, -7)) * Math.Pow(2, 127), FloatOverflow.Infinity, FloatSpecials.Ieee),
        ElementFormat.Float8E4M3FN => new(4, 3, 7, 448, FloatOverflow.NaN, FloatSpecials.FiniteWithNaN),
        ElementFormat.Float8E4M3FNUZ => new(4, 3, 8, 240, FloatOverflow.NaN, FloatSpecials.FiniteUnsignedZero),
        ElementFormat.Float8E5M2 => new(5, 2, 15, 57344, FloatOverflow.Infinity, FloatSpecials.Ieee),
        ElementFormat.Float8E5M2FNUZ => new(5, 2, 16, 57344, FloatOverflow.NaN, FloatSpecials.FiniteUnsignedZero),
        ElementFormat.Float4E2M1 => new(2, 1, 1, 6, FloatOverflow.Saturate, FloatSpecials.None),
        _ => null,
    };

    /// <summary>Width and signedness of an integer format; null for floating-point formats.</summary>
    public static (int Bits, bool Signed)? Integer(ElementFormat format) => format switch
    {
        ElementFormat.Int2 => (2, true),
        ElementFormat.UInt2 => (2, false),
        ElementFormat.Int4 => (4, true),
        ElementFormat.UInt4 => (4, false),
        ElementFormat.Int8 => (8, true),
        ElementFormat.UInt8 => (8, false),
        ElementFormat.Int16 => (16, true),
        ElementFormat.UInt16 => (16, false),
        ElementFormat.Int32 => (32, true),
        ElementFormat.UInt32 => (32, false),
        _ => null,
    };

    /// <summary>Whether ONNX Cast's saturate attribute applies (it does for the 8-bit floats only;
    /// FLOAT4E2M1 always saturates, FLOAT16 and BFLOAT16 overflow to infinity).</summary>
    public static bool HonoursSaturate(ElementFormat format) =>
        format is ElementFormat.Float8E4M3FN or ElementFormat.Float8E4M3FNUZ or ElementFormat.Float8E5M2
            or ElementFormat.Float8E5M2FNUZ or ElementFormat.Float8E8M0;

    public static string Name(ElementFormat format) => format.ToString().ToLowerInvariant();
}
