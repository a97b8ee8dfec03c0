using System.Text.Json.Serialization;

namespace DnnC.Runtime.Plan;

/// <summary>
/// What a kernel computes, with every shape resolved. One sealed record per kernel template.
/// Kernel arguments are (output, inputs...) in the order each record documents. Every record is listed
/// here for the plan's JSON (PlanJson), which names each spec by its record.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(ConcatSpec), nameof(ConcatSpec))]
[JsonDerivedType(typeof(ConvSpec), nameof(ConvSpec))]
[JsonDerivedType(typeof(ConvTransposeSpec), nameof(ConvTransposeSpec))]
[JsonDerivedType(typeof(DilatedPoolSpec), nameof(DilatedPoolSpec))]
[JsonDerivedType(typeof(GatherSpec), nameof(GatherSpec))]
[JsonDerivedType(typeof(GemmSpec), nameof(GemmSpec))]
[JsonDerivedType(typeof(GlobalPoolSpec), nameof(GlobalPoolSpec))]
[JsonDerivedType(typeof(InstanceNormSpec), nameof(InstanceNormSpec))]
[JsonDerivedType(typeof(LayerNormSpec), nameof(LayerNormSpec))]
[JsonDerivedType(typeof(LogSoftmaxSpec), nameof(LogSoftmaxSpec))]
[JsonDerivedType(typeof(LrnSpec), nameof(LrnSpec))]
[JsonDerivedType(typeof(PadSpec), nameof(PadSpec))]
[JsonDerivedType(typeof(PointwiseSpec), nameof(PointwiseSpec))]
[JsonDerivedType(typeof(PoolSpec), nameof(PoolSpec))]
[JsonDerivedType(typeof(ReduceSpec), nameof(ReduceSpec))]
[JsonDerivedType(typeof(ResizeSpec), nameof(ResizeSpec))]
[JsonDerivedType(typeof(ShiftSpec), nameof(ShiftSpec))]
[JsonDerivedType(typeof(SliceSpec), nameof(SliceSpec))]
[JsonDerivedType(typeof(SoftmaxSpec), nameof(SoftmaxSpec))]
[JsonDerivedType(typeof(TileSpec), nameof(TileSpec))]
[JsonDerivedType(typeof(TransposeSpec), nameof(TransposeSpec))]
public abstract record KernelSpec
{
    /// <summary>Template family name, for reports.</summary>
    public abstract string Template { get; }

    /// <summary>Multiply-accumulates (or comparable element operations) the kernel performs.</summary>
    public abstract long Macs { get; }
}

/// <summary>
/// An extra input read by an epilogue or a pointwise chain. <see cref="Strides"/> has one entry per
/// output dimension (in elements, 0 where the operand broadcasts), so that the operand element for
/// output index (i0, i1, ...) is at Σ i_d · Strides[d].
/// </summary>
public sealed record PlanOperand(int Arg, EquatableArray<long> Strides);

/// <summary>The block tile of a GEMM-shaped kernel: Mt × Nt outputs per block, Kt of reduction per step,
/// each thread computing ThreadM × ThreadN outputs.</summary>
public sealed record GemmTile(int Mt, int Nt, int Kt, int ThreadM, int ThreadN)
{
    public int Threads => (Mt / ThreadM) * (Nt / ThreadN);
    public override string ToString() => $"{Mt}x{Nt}x{Kt}";
}

/// <summary>
/// The block tile of a tensor-core GEMM (conv or GEMM with <see cref="MathMode.Fp16TensorCore"/> or
/// <see cref="MathMode.Tf32TensorCore"/>): Mt × Nt outputs per block, split into WarpM × WarpN warp tiles of mma
/// instructions, the reduction staged <see cref="Stages"/> deep through shared memory, 64 bytes of K per row at a time
/// (32 FP16 or 16 FP32 elements).
/// </summary>
public sealed record MmaTile(int Mt, int Nt, int WarpM, int WarpN, int Stages)
{
    /// <summary>Bytes of K one shared-memory row holds per stage, and the padded row pitch that keeps ldmatrix's eight
    /// row reads on distinct banks (80 bytes = 20 words: rows land 20 words apart, modulo 32 all different).</summary>
    public const int RowBytes = 64, RowPitch = 80;

    public int Warps => Mt / WarpM * (Nt / WarpN);
    public int Threads => 32 * Warps;
    public int SharedBytes => Stages * (Mt + Nt) * RowPitch;
    public override string ToString() => $"{Mt}x{Nt} ({Warps} warps of {WarpM}x{WarpN}, {Stages} stages)";
}

public enum ConvAlgorithm { ImplicitGemm, Depthwise }

/// <summary>
/// Convolution (NCHW, weights [K, C/groups, R, S]), lowered as an implicit GEMM with
/// M = N·Ho·Wo, N = K/groups, reduction C/groups·R·S per group, or as a depthwise kernel.
/// Args: output, x, w, [bias], epilogue operands. <see cref="InputShift"/> (odd kernel size, 0 for
/// none) applies the shift of REFERENCE.md §5 while loading x; only valid for 1×1 convs.
/// A tensor-core conv has its <see cref="Mma"/> tile (its <see cref="Tile"/> is then unused) and may read x and write
/// its output channels-last (NHWC, <see cref="InputChannelsLast"/>, <see cref="OutputChannelsLast"/>; the values'
/// shapes are then [N, H, W, C]), as the layout pass decides.
/// </summary>
public sealed record ConvSpec(
    int N, int C, int H, int W,
    int K, int R, int S,
    int Ho, int Wo,
    int StrideH, int StrideW,
    int PadTop, int PadLeft,
    int DilationH, int DilationW,
    int Groups,
    bool HasBias,
    int InputShift,
    EquatableArray<EpilogueStep> Epilogue,
    EquatableArray<PlanOperand> Operands,
    ConvAlgorithm Algorithm,
    GemmTile Tile,
    MmaTile? Mma = null,
    bool InputChannelsLast = false,
    bool OutputChannelsLast = false) : KernelSpec
{
    public override string Template => Algorithm == ConvAlgorithm.Depthwise ? "depthwise_conv" : Mma is null ? "implicit_gemm_conv" : "mma_conv";
    public override long Macs => (long)N * K * Ho * Wo * (C / Groups) * R * S;
    public long GemmM => (long)N * Ho * Wo;
    public int GemmN => K / Groups;
    public int GemmK => C / Groups * R * S;
}

/// <summary>
/// GEMM: out[b, m, n] = Σ_k A[b, m, k] · B[b, k, n] (+ bias[n]) then the epilogue.
/// Dense layers use <see cref="BTransposed"/> (weights stored [N, K]).
/// Batch strides are 0 where an operand broadcasts over the batch. A GEMM with tensor-core math has its
/// <see cref="Mma"/> tile (its <see cref="Tile"/> is then unused).
/// Args: output, A, B, [bias], epilogue operands.
/// </summary>
public sealed record GemmSpec(
    int Batch, int M, int N, int K,
    long BatchStrideA, long BatchStrideB,
    bool BTransposed,
    bool HasBias,
    EquatableArray<EpilogueStep> Epilogue,
    EquatableArray<PlanOperand> Operands,
    GemmTile Tile,
    MmaTile? Mma = null) : KernelSpec
{
    public override string Template => Mma is null ? "gemm" : "mma_gemm";
    public override long Macs => (long)Batch * M * N * K;
}

public enum PoolKind { Max, Average }

/// <summary>
/// What a max pool writes: the maximum, or where the first maximum is (ONNX MaxPool's Indices
/// output) as a flat index into the whole input tensor, its spatial part in row-major
/// (storage_order 0) or column-major (1) order. Indices are stored as float32, exact below 2^24.
/// </summary>
public enum PoolOutput { Value, RowMajorIndex, ColumnMajorIndex }

/// <summary>Windowed pooling, NCHW. Args: output, x. Padding beyond H and W is implied by Ho and Wo.</summary>
public sealed record PoolSpec(
    PoolKind Kind,
    int N, int C, int H, int W, int Ho, int Wo,
    int KernelH, int KernelW, int StrideH, int StrideW, int PadTop, int PadLeft,
    bool CountIncludePad) : KernelSpec
{
    public override string Template => "pool";
    public override long Macs => (long)N * C * Ho * Wo * KernelH * KernelW;
}

/// <summary>Pooling over all Spatial positions of each of Rows = N·C rows. Args: output, x.</summary>
public sealed record GlobalPoolSpec(PoolKind Kind, int Rows, int Spatial) : KernelSpec
{
    public override string Template => "global_pool";
    public override long Macs => (long)Rows * Spatial;
}

/// <summary>
/// An elementwise chain over an output of <see cref="Shape"/>: start from operand 0 (the head),
/// then apply <see cref="Steps"/>; BinaryStep.Operand indexes <see cref="Operands"/>.
/// Args: output, then each operand's value in order.
/// </summary>
public sealed record PointwiseSpec(
    EquatableArray<int> Shape,
    EquatableArray<EpilogueStep> Steps,
    EquatableArray<PlanOperand> Operands) : KernelSpec
{
    public override string Template => "pointwise";
    public override long Macs => HostTensor.ElementCount(Shape) * Math.Max(1, Steps.Count);
}

/// <summary>Softmax over the middle axis of [Outer, Axis, Inner]. Args: output, x.</summary>
public sealed record SoftmaxSpec(int Outer, int Axis, int Inner) : KernelSpec
{
    public override string Template => "softmax";
    public override long Macs => 3L * Outer * Axis * Inner;
}

/// <summary>Axis permutation: output axis i is input axis Perm[i]. Args: output, x.</summary>
public sealed record TransposeSpec(EquatableArray<int> InputShape, EquatableArray<int> Perm) : KernelSpec
{
    public override string Template => "transpose";
    public override long Macs => HostTensor.ElementCount(InputShape);
}

/// <summary>
/// Concatenation seen as [Outer, Σ AxisSizes, Inner]; input i contributes AxisSizes[i] along the axis.
/// Args: output, inputs in order.
/// </summary>
public sealed record ConcatSpec(int Outer, EquatableArray<int> AxisSizes, int Inner) : KernelSpec
{
    public override string Template => "concat";
    public override long Macs => (long)Outer * AxisSizes.Sum() * Inner;
}

/// <summary>A shift that could not be folded into a 1×1 conv, REFERENCE.md §5. Args: output, x.</summary>
public sealed record ShiftSpec(int N, int C, int H, int W, int Kernel) : KernelSpec
{
    public override string Template => "shift";
    public override long Macs => 0;

    /// <summary>The (dh, dw) displacement of channel <paramref name="c"/>.</summary>
    public static (int Dh, int Dw) Offset(int c, int channels, int kernel)
    {
        int k2 = kernel * kernel;
        if (c >= channels / k2 * k2) return (0, 0);
        return ((c / kernel) % kernel - kernel / 2, c % kernel - kernel / 2);
    }
}
