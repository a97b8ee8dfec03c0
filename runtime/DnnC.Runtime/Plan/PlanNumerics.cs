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

/// <summary>Which units do a kernel's multiply-accumulates. Every reduction accumulates in FP32 (REFERENCE.md §3).</summary>
public enum MathMode
{
    /// <summary>FP32 fused multiply-adds on the CUDA cores: what every template does today.</summary>
    Fp32Simt,

    /// <summary>TF32 tensor cores (inputs rounded to a 10-bit mantissa), FP32 accumulation.</summary>
    Tf32TensorCore,

    /// <summary>FP16 tensor cores (mma.sync), FP32 accumulation.</summary>
    Fp16TensorCore,
}

/// <summary>
/// A kernel's numerics: its storage precision, its weight encoding and its math mode. One
/// vocabulary from IR to plan: a graph node carries it as the decision of the passes (the request is
/// the node's <c>LayerOptions</c>), lowering copies it into the kernel, and the executors read it
/// there. The default, FP32 dense on CUDA cores, is what every template computes without further
/// passes; only conv and GEMM kernels may use another encoding or math mode.
/// </summary>
public sealed record PlanNumerics(
    KernelPrecision Precision = KernelPrecision.Fp32,
    WeightEncoding Encoding = WeightEncoding.Dense,
    MathMode Math = MathMode.Fp32Simt)
{
    public static PlanNumerics Fp32Dense { get; } = new();

    public bool IsFp32Dense => Precision == KernelPrecision.Fp32 && Encoding == WeightEncoding.Dense && Math == MathMode.Fp32Simt;

    /// <summary>The element format of stored tensors, or null for float32.</summary>
    public Numerics.ElementFormat? StorageFormat => Precision == KernelPrecision.Fp16 ? Numerics.ElementFormat.Float16 : null;

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
        string math = Math switch
        {
            MathMode.Tf32TensorCore => ", TF32 tensor cores",
            MathMode.Fp16TensorCore => ", FP16 tensor cores",
            _ => "",
        };
        return $"{precision}, {weights}{math}";
    }
}
