using DnnC.Runtime.Numerics;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Device functions for <see cref="CastStep"/>: the float32 form of <see cref="ElementCast"/>, step
/// for step (round to nearest even on the format's grid, then the overflow rule; powers of two for
/// E8M0; truncate and wrap for integers). Builtin math only, and no flush-to-zero: NVRTC compiles
/// without --use_fast_math, so the subnormal grid spacings below are exact.
/// </summary>
public static class CastDeviceHelpers
{
    public const string Source = """
        /* ---- casts onto narrower types ---- */
        /* overflow: 0 saturate to maxv, 1 infinity, 2 NaN; nan_to_zero: FLOAT4E2M1 has no NaN. */
        static __device__ __forceinline__ float dnnc_cast_float(float v, int mbits, int emin, float maxv, int overflow, int nan_to_zero)
        {
            if (v != v) return nan_to_zero ? -0.0f : v;
            float a = fabsf(v);
            if (a == 0.0f) return v;
            float r = a;
            if (a <= 3.402823466e38f)
            {
                int e;
                frexpf(a, &e);                              /* a = f * 2^e with f in [0.5, 1) */
                int exponent = e - 1 > emin ? e - 1 : emin;
                float quantum = ldexpf(1.0f, exponent - mbits);
                r = rintf(a / quantum) * quantum;           /* rintf: ties to even */
            }
            if (r > maxv) r = overflow == 0 ? maxv : (overflow == 1 ? __int_as_float(0x7f800000) : __int_as_float(0x7fffffff));
            return copysignf(r, v);
        }
        /* FLOAT8E8M0: 2^e for e in [-127, 127]; mode 0 up, 1 down, 2 nearest (by the first fraction bit). */
        static __device__ __forceinline__ float dnnc_cast_e8m0(float v, int mode, int saturate)
        {
            if (v != v) return v;
            float a = fabsf(v);
            float nan = __int_as_float(0x7fffffff);
            if (a > 3.402823466e38f) return saturate ? ldexpf(1.0f, 127) : nan;
            if (a == 0.0f) return ldexpf(1.0f, -127);
            int e;
            float fraction = 2.0f * frexpf(a, &e);          /* a = fraction * 2^(e-1), fraction in [1, 2) */
            int exponent = e - 1;
            if (mode == 0 ? fraction > 1.0f : (mode == 2 && fraction >= 1.5f)) exponent += 1;
            if (exponent > 127) return saturate ? ldexpf(1.0f, 127) : nan;
            return ldexpf(1.0f, exponent < -127 ? -127 : exponent);
        }
        /* Integers: truncate toward zero, then wrap modulo 2^bits into the type's range. In double,
           where t - floor(t / 2^32) * 2^32 is exact (float would round it for 32-bit types). */
        static __device__ __forceinline__ float dnnc_cast_int(float v, double modulus, int is_signed)
        {
            if (!(fabsf(v) <= 3.402823466e38f)) return 0.0f;
            double t = trunc((double)v);
            double wrapped = t - floor(t / modulus) * modulus;
            if (is_signed && wrapped >= 0.5 * modulus) wrapped -= modulus;
            return (float)wrapped;
        }

        """;

    /// <summary>The C expression applying <paramref name="step"/> to the float <paramref name="v"/>.</summary>
    public static string Cast(CastStep step, string v)
    {
        if (ElementFormats.Integer(step.To) is { } integer)
            return $"dnnc_cast_int({v}, {Math.ScaleB(1.0, integer.Bits).ToString("R", System.Globalization.CultureInfo.InvariantCulture)}.0, {(integer.Signed ? 1 : 0)})";
        if (step.To == ElementFormat.Float8E8M0)
            return $"dnnc_cast_e8m0({v}, {(int)step.Rounding}, {(step.Saturate ? 1 : 0)})";
        var layout = ElementFormats.Layout(step.To)!;
        var overflow = step.Saturate && ElementFormats.HonoursSaturate(step.To) ? FloatOverflow.Saturate : layout.Overflow;
        int overflowCode = overflow switch { FloatOverflow.Saturate => 0, FloatOverflow.Infinity => 1, _ => 2 };
        int nanToZero = layout.Specials == FloatSpecials.None ? 1 : 0;
        return $"dnnc_cast_float({v}, {layout.MantissaBits}, {layout.MinExponent}, {CudaText.Float((float)layout.Max)}, {overflowCode}, {nanToZero})";
    }
}
