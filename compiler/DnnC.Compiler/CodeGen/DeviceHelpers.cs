using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Device functions every kernel may call, emitted once per source. No #include: NVRTC provides
/// expf, tanhf, erff, fminf, fmaxf and __int_as_float as builtins, and the formulas below are
/// the float32 forms of <see cref="ElementwiseMath.Activation"/> (IEEE math, no fast-math).
/// </summary>
public static class DeviceHelpers
{
    public const string Source = """
        /* ---- shared device helpers ---- */
        static __device__ __forceinline__ float dnnc_neg_inf() { return __int_as_float(0xff800000); }
        static __device__ __forceinline__ float dnnc_relu(float v) { return v < 0.0f ? 0.0f : v; }
        static __device__ __forceinline__ float dnnc_relu6(float v) { return fminf(dnnc_relu(v), 6.0f); }
        static __device__ __forceinline__ float dnnc_leaky_relu(float v, float alpha) { return v >= 0.0f ? v : alpha * v; }
        static __device__ __forceinline__ float dnnc_sigmoid(float v) { return 1.0f / (1.0f + expf(-v)); }
        static __device__ __forceinline__ float dnnc_hardsigmoid(float v, float alpha, float beta)
        {
            return fmaxf(0.0f, fminf(1.0f, alpha * v + beta));
        }
        static __device__ __forceinline__ float dnnc_hardswish(float v) { return v * fmaxf(0.0f, fminf(1.0f, v / 6.0f + 0.5f)); }
        /* Exact GELU: 0.5 x (1 + erf(x / sqrt 2)). */
        static __device__ __forceinline__ float dnnc_gelu(float v) { return 0.5f * v * (1.0f + erff(v * 0.70710678118654752f)); }
        static __device__ __forceinline__ float dnnc_clip(float v, float lo, float hi) { return fminf(fmaxf(v, lo), hi); }

        """;

    /// <summary>The C expression applying <paramref name="step"/> to the float <paramref name="v"/>.</summary>
    public static string Activation(ActivationStep step, string v) => step.Kind switch
    {
        ActivationKind.Relu => $"dnnc_relu({v})",
        ActivationKind.Relu6 => $"dnnc_relu6({v})",
        ActivationKind.LeakyRelu => $"dnnc_leaky_relu({v}, {CudaText.Float(step.Alpha)})",
        ActivationKind.Sigmoid => $"dnnc_sigmoid({v})",
        ActivationKind.Tanh => $"tanhf({v})",
        ActivationKind.HardSigmoid => $"dnnc_hardsigmoid({v}, {CudaText.Float(step.Alpha)}, {CudaText.Float(step.Beta)})",
        ActivationKind.HardSwish => $"dnnc_hardswish({v})",
        ActivationKind.Gelu => $"dnnc_gelu({v})",
        ActivationKind.Clip => $"dnnc_clip({v}, {CudaText.Float(step.Alpha)}, {CudaText.Float(step.Beta)})",
        _ => throw new ArgumentOutOfRangeException(nameof(step), step.Kind, "unknown activation"),
    };

    public static string Binary(BinaryKind kind, string left, string right) => kind switch
    {
        BinaryKind.Add => $"({left} + {right})",
        BinaryKind.Sub => $"({left} - {right})",
        BinaryKind.Mul => $"({left} * {right})",
        BinaryKind.Div => $"({left} / {right})",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown binary op"),
    };
}
