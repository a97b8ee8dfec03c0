namespace DnnC.Runtime.Numerics;

/// <summary>
/// TF32, the tensor cores' 19-bit format: float32's sign and 8-bit exponent with a 10-bit mantissa. Operands are
/// rounded to it as PTX's cvt.rna.tf32.f32 does (PTX ISA, "cvt"): to nearest, ties away from zero; the result is a
/// float32 whose low 13 mantissa bits are zero. NaN and infinities pass through.
/// </summary>
public static class Tf32
{
    public static float Round(float value)
    {
        if (!float.IsFinite(value)) return value;
        uint bits = BitConverter.SingleToUInt32Bits(value);
        // Adding half of the dropped range to the magnitude bits rounds ties away from zero; a carry into the exponent is
        // the correct next binade (and overflow to infinity, as cvt gives).
        bits = (bits + 0x1000u) & 0xFFFFE000u;
        return BitConverter.UInt32BitsToSingle(bits);
    }
}
