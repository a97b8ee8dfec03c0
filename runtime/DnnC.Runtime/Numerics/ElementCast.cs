namespace DnnC.Runtime.Numerics;

/// <summary>
/// ONNX Cast onto a narrower type, as a function from float to float: the value the target type
/// would hold, read back. Every executor (reference, simulator, generated CUDA) follows this one
/// definition; the CUDA template mirrors <see cref="RoundToLayout"/> step for step.
/// </summary>
public static class ElementCast
{
    public static double Apply(ElementFormat format, double x, bool saturate = true, PowerOfTwoRounding rounding = PowerOfTwoRounding.Up)
    {
        if (ElementFormats.Integer(format) is { } integer) return WrapInteger(x, integer.Bits, integer.Signed);
        if (format == ElementFormat.Float8E8M0) return RoundToPowerOfTwo(x, saturate, rounding);
        var layout = ElementFormats.Layout(format)!;
        return RoundToLayout(x, layout, saturate && ElementFormats.HonoursSaturate(format));
    }

    /// <summary>
    /// Round to nearest, ties to even, on the format's grid: the spacing near |x| is
    /// 2^(max(exponent(x), MinExponent) − MantissaBits), which also covers the subnormals.
    /// </summary>
    public static double RoundToLayout(double x, FloatLayout layout, bool saturate)
    {
        if (double.IsNaN(x)) return layout.Specials == FloatSpecials.None ? -0.0 : double.NaN;   // FLOAT4E2M1 has no NaN; ONNX writes -0
        double magnitude = Math.Abs(x);
        double rounded;
        if (double.IsInfinity(magnitude))
        {
            rounded = magnitude;
        }
        else if (magnitude == 0)
        {
            return x;
        }
        else
        {
            int exponent = Math.Max(Math.ILogB(magnitude), layout.MinExponent);
            double quantum = Math.ScaleB(1.0, exponent - layout.MantissaBits);
            rounded = Math.Round(magnitude / quantum, MidpointRounding.ToEven) * quantum;
        }
        if (rounded > layout.Max)
        {
            var overflow = saturate ? FloatOverflow.Saturate : layout.Overflow;
            rounded = overflow switch
            {
                FloatOverflow.Saturate => layout.Max,
                FloatOverflow.Infinity => double.PositiveInfinity,
                _ => double.NaN,
            };
        }
        return Math.CopySign(rounded, x);
    }

    /// <summary>
    /// FLOAT8E8M0 holds 2^e for e in [−127, 127] (the code 0xFF is NaN) and has no sign. Zero
    /// becomes the smallest code, 2^−127; <paramref name="rounding"/> picks the power of two
    /// at or above (Up), at or below (Down), or the nearer one by the first fraction bit (Nearest).
    /// </summary>
    public static double RoundToPowerOfTwo(double x, bool saturate, PowerOfTwoRounding rounding)
    {
        if (double.IsNaN(x)) return double.NaN;
        double magnitude = Math.Abs(x);
        if (double.IsInfinity(magnitude)) return saturate ? Math.ScaleB(1.0, 127) : double.NaN;
        if (magnitude == 0) return Math.ScaleB(1.0, -127);
        int exponent = Math.ILogB(magnitude);
        double fraction = magnitude / Math.ScaleB(1.0, exponent);   // in [1, 2)
        bool up = rounding switch
        {
            PowerOfTwoRounding.Up => fraction > 1,
            PowerOfTwoRounding.Down => false,
            _ => fraction >= 1.5,
        };
        if (up) exponent++;
        if (exponent > 127) return saturate ? Math.ScaleB(1.0, 127) : double.NaN;
        return Math.ScaleB(1.0, Math.Max(exponent, -127));
    }

    /// <summary>Truncates toward zero, then wraps modulo 2^bits into the type's range, as C and ONNX do.</summary>
    public static double WrapInteger(double x, int bits, bool signed)
    {
        if (double.IsNaN(x) || double.IsInfinity(x)) return 0;
        double modulus = Math.ScaleB(1.0, bits);
        double t = Math.Truncate(x);
        double wrapped = t - Math.Floor(t / modulus) * modulus;           // in [0, 2^bits)
        if (signed && wrapped >= modulus / 2) wrapped -= modulus;
        return wrapped;
    }
}
