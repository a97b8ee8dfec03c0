namespace DnnC.Runtime.Plan;

/// <summary>
/// Transposed convolution (NCHW, weights [C, K/groups, R, S] as ONNX stores them) computed as an
/// implicit GEMM that gathers instead of scattering: output pixel (oy, ox) of channel k takes tap
/// (r, s) of input channel c from input (iy, ix) where iy · StrideH = oy + PadTop − r · DilationH
/// (likewise for x), when that divides exactly and lands inside the input. M = N·Ho·Wo, N = K/groups,
/// reduction C/groups·R·S per group. Args: output, x, w, [bias].
/// </summary>
public sealed record ConvTransposeSpec(
    int N, int C, int H, int W,
    int K, int R, int S,
    int Ho, int Wo,
    int StrideH, int StrideW,
    int PadTop, int PadLeft,
    int DilationH, int DilationW,
    int Groups,
    bool HasBias,
    GemmTile Tile) : KernelSpec
{
    public override string Template => "conv_transpose";

    /// <summary>The implicit GEMM's multiply-adds, the taps a stride skips included (the kernel issues them).</summary>
    public override long Macs => GemmM * GemmN * GemmK * Groups;
    public long GemmM => (long)N * Ho * Wo;
    public int GemmN => K / Groups;
    public int GemmK => C / Groups * R * S;
}

/// <summary>
/// Pooling whose window tap (r, s) reads input (ho·StrideH − PadTop + r·DilationH, likewise for w).
/// Max takes the taps inside the input; average divides their sum by their count, or with
/// <see cref="CountIncludePad"/> by the taps inside the padded input (which ends PadBottom / PadRight
/// past the input). A window with no tap inside the input gives 0, as the reference does. Args: output, x.
/// </summary>
public sealed record DilatedPoolSpec(
    PoolKind Kind,
    int N, int C, int H, int W, int Ho, int Wo,
    int KernelH, int KernelW, int StrideH, int StrideW,
    int PadTop, int PadLeft, int PadBottom, int PadRight,
    int DilationH, int DilationW,
    bool CountIncludePad,
    PoolOutput Output = PoolOutput.Value) : KernelSpec
{
    public override string Template => "dilated_pool";
    public override long Macs => (long)N * C * Ho * Wo * KernelH * KernelW;
}
