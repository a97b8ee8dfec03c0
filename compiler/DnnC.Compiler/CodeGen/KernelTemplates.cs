using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>The one dispatch from a <see cref="KernelSpec"/> to its template.</summary>
public static class KernelTemplates
{
    /// <summary>
    /// Whether a template emits <paramref name="kernel"/>'s numerics. Every template reads and writes FP32 or FP16
    /// storage (<see cref="HalfStorageHelpers"/>) with FP32 math; conv and GEMM kernels with tensor-core math have
    /// templates of their own (a spec with an <see cref="MmaTile"/>), and each conv and GEMM template says what it covers.
    /// </summary>
    public static bool Supports(PlanKernel kernel) => kernel.Spec switch
    {
        ConvSpec { Algorithm: ConvAlgorithm.ImplicitGemm, Mma: not null } => MmaConvTemplate.Supports(kernel.Numerics),
        ConvSpec { Algorithm: ConvAlgorithm.ImplicitGemm } => ConvTemplate.Supports(kernel.Numerics),
        GemmSpec { Mma: not null } => MmaGemmTemplate.Supports(kernel.Numerics),
        GemmSpec => GemmTemplate.Supports(kernel.Numerics),
        _ => IsSimt(kernel.Numerics),
    };

    /// <summary>Dense weights and FP32 math on CUDA cores, in either storage precision: what the SIMT templates emit.</summary>
    public static bool IsSimt(PlanNumerics numerics) => numerics.Encoding == WeightEncoding.Dense && numerics.Math == MathMode.Fp32Simt;

    /// <summary>The grid and block the kernel emitted for <paramref name="spec"/> expects.</summary>
    public static LaunchConfig Launch(KernelSpec spec) => spec switch
    {
        ConvSpec { Algorithm: ConvAlgorithm.Depthwise } c => DepthwiseConvTemplate.Launch(c),
        ConvSpec { Mma: not null } c => MmaConvTemplate.Launch(c),
        ConvSpec c => ConvTemplate.Launch(c),
        GemmSpec { Mma: not null } g => MmaGemmTemplate.Launch(g),
        GemmSpec g => GemmTemplate.Launch(g),
        PoolSpec p => PoolTemplate.Launch(p),
        GlobalPoolSpec g => GlobalPoolTemplate.Launch(g),
        PointwiseSpec p => PointwiseTemplate.Launch(p),
        SoftmaxSpec s => SoftmaxTemplate.Launch(s),
        TransposeSpec t => TransposeTemplate.Launch(t),
        ConcatSpec c => ConcatTemplate.Launch(c),
        ShiftSpec s => ShiftTemplate.Launch(s),
        SliceSpec s => SliceTemplate.Launch(s),
        GatherSpec g => GatherTemplate.Launch(g),
        PadSpec p => PadTemplate.Launch(p),
        TileSpec t => TileTemplate.Launch(t),
        ResizeSpec r => ResizeTemplate.Launch(r),
        ConvTransposeSpec c => ConvTransposeTemplate.Launch(c),
        DilatedPoolSpec d => DilatedPoolTemplate.Launch(d),
        ReduceSpec r => ReduceTemplate.Launch(r),
        LayerNormSpec l => NormalizationTemplate.Launch(l),
        InstanceNormSpec i => NormalizationTemplate.Launch(i),
        LogSoftmaxSpec l => LogSoftmaxTemplate.Launch(l),
        LrnSpec l => LrnTemplate.Launch(l),
        _ => throw new ArgumentException($"no CUDA template for {spec.GetType().Name}", nameof(spec)),
    };

    /// <summary>
    /// The CUDA C++ text of one kernel (without <see cref="DeviceHelpers.Source"/>, which
    /// <see cref="CudaEmitter"/> emits once). <paramref name="plan"/> supplies value shapes
    /// where a template needs them (GEMM epilogue operands over a rank-4 output).
    /// </summary>
    public static string Emit(PlanKernel kernel, KernelPlan? plan = null) => kernel.Spec switch
    {
        ConvSpec { Algorithm: ConvAlgorithm.Depthwise } c => DepthwiseConvTemplate.Emit(kernel, c, plan),
        ConvSpec { Mma: not null } c => MmaConvTemplate.Emit(kernel, c, plan),
        ConvSpec c => ConvTemplate.Emit(kernel, c, plan),
        GemmSpec { Mma: not null } g => MmaGemmTemplate.Emit(kernel, g, plan),
        GemmSpec g => GemmTemplate.Emit(kernel, g, plan),
        PoolSpec p => PoolTemplate.Emit(kernel, p, plan),
        GlobalPoolSpec g => GlobalPoolTemplate.Emit(kernel, g, plan),
        PointwiseSpec p => PointwiseTemplate.Emit(kernel, p, plan),
        SoftmaxSpec s => SoftmaxTemplate.Emit(kernel, s, plan),
        TransposeSpec t => TransposeTemplate.Emit(kernel, t, plan),
        ConcatSpec c => ConcatTemplate.Emit(kernel, c, plan),
        ShiftSpec s => ShiftTemplate.Emit(kernel, s, plan),
        SliceSpec s => SliceTemplate.Emit(kernel, s, plan),
        GatherSpec g => GatherTemplate.Emit(kernel, g, plan),
        PadSpec p => PadTemplate.Emit(kernel, p, plan),
        TileSpec t => TileTemplate.Emit(kernel, t, plan),
        ResizeSpec r => ResizeTemplate.Emit(kernel, r, plan),
        ConvTransposeSpec c => ConvTransposeTemplate.Emit(kernel, c, plan),
        DilatedPoolSpec d => DilatedPoolTemplate.Emit(kernel, d, plan),
        ReduceSpec r => ReduceTemplate.Emit(kernel, r, plan),
        LayerNormSpec l => NormalizationTemplate.Emit(kernel, l, plan),
        InstanceNormSpec i => NormalizationTemplate.Emit(kernel, i, plan),
        LogSoftmaxSpec l => LogSoftmaxTemplate.Emit(kernel, l, plan),
        LrnSpec l => LrnTemplate.Emit(kernel, l, plan),
        _ => throw new ArgumentException($"no CUDA template for {kernel.Spec.GetType().Name}", nameof(kernel)),
    };
}
