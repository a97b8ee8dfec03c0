using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Device functions and expressions for <see cref="UnaryMathStep"/>, <see cref="MathBinaryStep"/> and
/// <see cref="SelectStep"/>: the float32 forms of <see cref="MathFunctions"/>, with NVRTC's builtin math
/// (no headers). Emitted once per source by <see cref="CudaEmitter"/>.
/// </summary>
public static class MathDeviceHelpers
{
    public const string Source = """
        /* ---- math steps ---- */
        static __device__ __forceinline__ float dnnc_sign(float v) { return v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : v); }
        static __device__ __forceinline__ float dnnc_softplus(float v) { return v > 30.0f ? v : log1pf(expf(v)); }
        static __device__ __forceinline__ float dnnc_elu(float v, float alpha) { return v >= 0.0f ? v : alpha * expm1f(v); }
        static __device__ __forceinline__ float dnnc_celu(float v, float alpha)
        {
            return fmaxf(0.0f, v) + fminf(0.0f, alpha * expm1f(v / alpha));
        }
        static __device__ __forceinline__ float dnnc_gelu_tanh(float v)
        {
            return 0.5f * v * (1.0f + tanhf(0.79788456080286536f * (v + 0.044715f * v * v * v)));
        }
        /* NaN-propagating max and min (fmaxf would drop a NaN operand). */
        static __device__ __forceinline__ float dnnc_max_nan(float a, float b) { return (a != a || b != b) ? a + b : fmaxf(a, b); }
        static __device__ __forceinline__ float dnnc_min_nan(float a, float b) { return (a != a || b != b) ? a + b : fminf(a, b); }
        /* Python's %: the remainder takes the divisor's sign; fmodf is exact, so adjust it rather than a - floor(a/b)*b. */
        static __device__ __forceinline__ float dnnc_mod_floor(float a, float b)
        {
            float r = fmodf(a, b);
            return (r != 0.0f && ((r < 0.0f) != (b < 0.0f))) ? r + b : r;
        }
        static __device__ __forceinline__ float dnnc_bool(bool v) { return v ? 1.0f : 0.0f; }

        """;

    /// <summary>The C expression applying <paramref name="step"/> to the float <paramref name="v"/>.</summary>
    public static string Unary(UnaryMathStep step, string v)
    {
        string alpha = CudaText.Float(step.Alpha), gamma = CudaText.Float(step.Beta);
        return step.Kind switch
        {
            UnaryKind.Exp => $"expf({v})",
            UnaryKind.Log => $"logf({v})",
            UnaryKind.Sqrt => $"sqrtf({v})",
            UnaryKind.Reciprocal => $"(1.0f / {v})",
            UnaryKind.Neg => $"(-{v})",
            UnaryKind.Abs => $"fabsf({v})",
            UnaryKind.Floor => $"floorf({v})",
            UnaryKind.Ceil => $"ceilf({v})",
            UnaryKind.Round => $"rintf({v})", // round half to even in the default rounding mode
            UnaryKind.Trunc => $"truncf({v})",
            UnaryKind.Sign => $"dnnc_sign({v})",
            UnaryKind.Erf => $"erff({v})",
            UnaryKind.Softplus => $"dnnc_softplus({v})",
            UnaryKind.Softsign => $"({v} / (1.0f + fabsf({v})))",
            UnaryKind.Elu => $"dnnc_elu({v}, {alpha})",
            UnaryKind.Selu => $"({gamma} * dnnc_elu({v}, {alpha}))", // x > 0 and x >= 0 agree at 0
            UnaryKind.Celu => $"dnnc_celu({v}, {alpha})",
            UnaryKind.GeluTanh => $"dnnc_gelu_tanh({v})",
            UnaryKind.ThresholdedRelu => $"({v} > {alpha} ? {v} : 0.0f)",
            UnaryKind.Not => $"dnnc_bool({v} == 0.0f)",
            UnaryKind.Sin => $"sinf({v})",
            UnaryKind.Cos => $"cosf({v})",
            UnaryKind.Tan => $"tanf({v})",
            UnaryKind.Asin => $"asinf({v})",
            UnaryKind.Acos => $"acosf({v})",
            UnaryKind.Atan => $"atanf({v})",
            UnaryKind.Sinh => $"sinhf({v})",
            UnaryKind.Cosh => $"coshf({v})",
            UnaryKind.Asinh => $"asinhf({v})",
            UnaryKind.Acosh => $"acoshf({v})",
            UnaryKind.Atanh => $"atanhf({v})",
            UnaryKind.Mish => $"({v} * tanhf(dnnc_softplus({v})))",
            _ => throw new ArgumentOutOfRangeException(nameof(step), step.Kind, "unknown unary function"),
        };
    }

    /// <summary>The C expression of <paramref name="kind"/> on two float expressions, each used once or as a plain load.</summary>
    public static string Binary(MathBinaryKind kind, string a, string b) => kind switch
    {
        MathBinaryKind.Pow => $"powf({a}, {b})",
        MathBinaryKind.Max => $"dnnc_max_nan({a}, {b})",
        MathBinaryKind.Min => $"dnnc_min_nan({a}, {b})",
        MathBinaryKind.ModFloor => $"dnnc_mod_floor({a}, {b})",
        MathBinaryKind.ModTrunc => $"fmodf({a}, {b})",
        MathBinaryKind.PRelu => $"({a} >= 0.0f ? {a} : {b} * {a})",
        MathBinaryKind.Equal => $"dnnc_bool({a} == {b})",
        MathBinaryKind.NotEqual => $"dnnc_bool({a} != {b})",
        MathBinaryKind.Greater => $"dnnc_bool({a} > {b})",
        MathBinaryKind.GreaterOrEqual => $"dnnc_bool({a} >= {b})",
        MathBinaryKind.Less => $"dnnc_bool({a} < {b})",
        MathBinaryKind.LessOrEqual => $"dnnc_bool({a} <= {b})",
        MathBinaryKind.And => $"dnnc_bool({a} != 0.0f && {b} != 0.0f)",
        MathBinaryKind.Or => $"dnnc_bool({a} != 0.0f || {b} != 0.0f)",
        MathBinaryKind.Xor => $"dnnc_bool(({a} != 0.0f) != ({b} != 0.0f))",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown binary function"),
    };

    public static string BinaryStep(MathBinaryStep step, IReadOnlyList<PlanOperand> operands, IReadOnlyList<string> coords, string v)
    {
        string operand = Epilogue.Load(OperandAt(operands, step.Operand), coords);
        return step.RunningOnLeft ? Binary(step.Kind, v, operand) : Binary(step.Kind, operand, v);
    }

    public static string Select(SelectStep step, IReadOnlyList<PlanOperand> operands, IReadOnlyList<string> coords, string v) =>
        $"({v} != 0.0f ? {Epilogue.Load(OperandAt(operands, step.Then), coords)} : {Epilogue.Load(OperandAt(operands, step.Else), coords)})";

    private static PlanOperand OperandAt(IReadOnlyList<PlanOperand> operands, int index) =>
        index >= 0 && index < operands.Count
            ? operands[index]
            : throw new ArgumentException($"math step reads operand {index} but the spec has {operands.Count}");
}
