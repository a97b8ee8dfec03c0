namespace DnnC.Runtime.Plan;

/// <summary>How a kernel stores its tensors. Accumulation is FP32 in both (REFERENCE.md §3).</summary>
public enum KernelPrecision
{
    /// <summary>FP32 storage and arithmetic.</summary>
    Fp32,

    /// <summary>FP16 storage (weights, activations read and written) with FP32 accumulation of products.</summary>
    Fp16,
}

/// <summary>How a conv or GEMM kernel's weight operand is laid out in the weight blob.</summary>
public enum WeightEncoding
{
    /// <summary>Every weight, in the plan's own layout.</summary>
    Dense,

    /// <summary>2:4-compressed values plus 2-bit index metadata (<see cref="Encoders.Sparse24Weights"/>, REFERENCE.md §2).</summary>
    Sparse24,

    /// <summary>Ternary codes {-1, 0, +1} plus a per-filter scale (<see cref="Encoders.TernaryWeights"/>, REFERENCE.md §4).</summary>
    Ternary,
}

/// <summary>
/// A kernel's numerics: its storage precision and its weight encoding. The default, FP32 dense, is what
/// every template computes without further passes; only conv and GEMM kernels may use another encoding.
/// </summary>
public sealed record PlanNumerics(KernelPrecision Precision = KernelPrecision.Fp32, WeightEncoding Encoding = WeightEncoding.Dense)
{
    public static PlanNumerics Fp32Dense { get; } = new();

    public bool IsFp32Dense => Precision == KernelPrecision.Fp32 && Encoding == WeightEncoding.Dense;

    /// <summary>For messages and reports: "FP16 storage, 2:4-compressed weights".</summary>
    public override string ToString()
    {
        string precision = Precision == KernelPrecision.Fp16 ? "FP16 storage" : "FP32";
        string weights = Encoding switch
        {
            WeightEncoding.Sparse24 => "2:4-compressed weights",
            WeightEncoding.Ternary => "ternary weights",
            _ => "dense weights",
        };
        return $"{precision}, {weights}";
    }
}
