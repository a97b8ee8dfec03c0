using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>The one dispatch from a <see cref="KernelSpec"/> to its template.</summary>
public static class KernelTemplates
{
    /// <summary>
    /// Whether a template emits <paramref name="kernel"/>'s numerics. Conv and GEMM kernels are the ones a numerics
    /// pass changes, and each of their templates says what it covers; every other template computes FP32 on CUDA
    /// cores (the verifier allows them nothing else but FP16 storage, which none emits yet).
    /// </summary>
    public static bool Supports(PlanKernel kernel) => kernel.Spec switch
    {
        ConvSpec { Algorithm: ConvAlgorithm.ImplicitGemm } => ConvTemplate.Supports(kernel.Numerics),
        GemmSpec => GemmTemplate.Supports(kernel.Numerics),
        _ => kernel.Numerics.IsFp32Dense,
    };

    /// <summary>The grid and block the kernel emitted for <paramref name="spec"/> expects.</summary>
    public static LaunchConfig Launch(KernelSpec spec) => spec switch
    {
        ConvSpec { Algorithm: ConvAlgorithm.Depthwise } c => DepthwiseConvTemplate.Launch(c),
        ConvSpec c => ConvTemplate.Launch(c),
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
        ConvSpec { Algorithm: ConvAlgorithm.Depthwise } c => DepthwiseConvTemplate.Emit(kernel, c),
        ConvSpec c => ConvTemplate.Emit(kernel, c),
        GemmSpec g => GemmTemplate.Emit(kernel, g, plan),
        PoolSpec p => PoolTemplate.Emit(kernel, p),
        GlobalPoolSpec g => GlobalPoolTemplate.Emit(kernel, g),
        PointwiseSpec p => PointwiseTemplate.Emit(kernel, p),
        SoftmaxSpec s => SoftmaxTemplate.Emit(kernel, s),
        TransposeSpec t => TransposeTemplate.Emit(kernel, t),
        ConcatSpec c => ConcatTemplate.Emit(kernel, c),
        ShiftSpec s => ShiftTemplate.Emit(kernel, s),
        SliceSpec s => SliceTemplate.Emit(kernel, s),
        GatherSpec g => GatherTemplate.Emit(kernel, g),
        PadSpec p => PadTemplate.Emit(kernel, p),
        TileSpec t => TileTemplate.Emit(kernel, t),
        ResizeSpec r => ResizeTemplate.Emit(kernel, r),
        ConvTransposeSpec c => ConvTransposeTemplate.Emit(kernel, c),
        DilatedPoolSpec d => DilatedPoolTemplate.Emit(kernel, d),
        ReduceSpec r => ReduceTemplate.Emit(kernel, r),
        LayerNormSpec l => NormalizationTemplate.Emit(kernel, l),
        InstanceNormSpec i => NormalizationTemplate.Emit(kernel, i),
        LogSoftmaxSpec l => LogSoftmaxTemplate.Emit(kernel, l),
        LrnSpec l => LrnTemplate.Emit(kernel, l),
        _ => throw new ArgumentException($"no CUDA template for {kernel.Spec.GetType().Name}", nameof(kernel)),
    };
}
