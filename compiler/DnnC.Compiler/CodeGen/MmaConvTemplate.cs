using DnnC.Runtime.Numerics;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Convolution as an implicit GEMM on tensor cores (<see cref="MmaGemmSkeleton"/>): rows m = (n, ho, wo), columns the
/// K/groups output channels of group blockIdx.z, reduction index k = (r, s, c) with c innermost, so that with a
/// channels-last input 8 halves (or 4 floats) of consecutive channels of one tap are one 16-byte cp.async. The weights
/// are the plan's dense rows of that same order (<see cref="EncodedWeightShape"/> with <see cref="WeightEncoding.Dense"/>:
/// K rows of PaddedK, zero beyond C/groups·R·S). Inputs the vector copy cannot take (NCHW, FP32 into FP16 math,
/// channels per group not a multiple of 8, a fused shift) are gathered element by element instead; the output is
/// written NCHW or NHWC as the layout pass decided, through the usual epilogue on the FP32 accumulators.
/// </summary>
internal static class MmaConvTemplate
{
    /// <summary>Dense filters on FP16 or TF32 tensor cores; 2:4-compressed filters on FP16 sparse tensor cores
    /// (<see cref="MmaSparseSkeleton"/>, FP16 storage).</summary>
    public static bool Supports(PlanNumerics numerics) => numerics.Encoding switch
    {
        WeightEncoding.Dense => numerics.Math is MathMode.Fp16TensorCore or MathMode.Tf32TensorCore,
        WeightEncoding.Sparse24 => numerics.Math == MathMode.Fp16TensorCore && numerics.Precision == KernelPrecision.Fp16,
        _ => false,
    };

    public static LaunchConfig Launch(ConvSpec spec)
    {
        var tile = TileOf(spec);
        var launch = new LaunchConfig(TileChecks.Blocks(spec.GemmM, tile.Mt, "conv"), TileChecks.Blocks(spec.GemmN, tile.Nt, "conv"),
            spec.Groups, tile.Threads, 1, 1, 0);
        TileChecks.GridLimits(launch, "conv");
        return launch;
    }

    public static string Emit(PlanKernel kernel, ConvSpec s, KernelPlan? plan)
    {
        ConvTemplate.Validate(s);
        var t = TileOf(s);
        bool fp16 = kernel.Numerics.Math == MathMode.Fp16TensorCore;
        ElementFormat? tileFormat = fp16 ? ElementFormat.Float16 : null;
        int epc = fp16 ? 8 : 4;
        int cg = s.C / s.Groups;
        int paddedK = (s.GemmK + 15) / 16 * 16;
        bool vectorA = s.InputChannelsLast && s.InputShift == 0 && cg % epc == 0 && s.C % epc == 0
            && KernelArgs.Format(kernel, plan, 1) == tileFormat;
        bool vectorB = KernelArgs.Format(kernel, plan, 2) == tileFormat && RowWeights(kernel, plan);
        int fixedInputs = s.HasBias ? 3 : 2;
        string header = KernelArgs.Header(kernel, plan, t.Threads, KernelArgs.Required(fixedInputs, s.Operands),
            $"{(fp16 ? "FP16" : "TF32")} tensor-core conv {s.N}x{s.C}x{s.H}x{s.W} -> {s.K}x{s.Ho}x{s.Wo}, {s.R}x{s.S}, groups {s.Groups}, " +
            $"{Layout(s.InputChannelsLast)} in, {Layout(s.OutputChannelsLast)} out, tile {t}");
        string idx = CudaText.IndexType((long)s.N * s.C * s.H * s.W, (long)s.N * s.K * s.Ho * s.Wo, (long)s.K * paddedK);
        string setup = $$"""
                constexpr int C = {{s.C}}, H = {{s.H}}, W = {{s.W}}, K = {{s.K}}, R = {{s.R}}, S = {{s.S}};
                constexpr int HO = {{s.Ho}}, WO = {{s.Wo}}, SH = {{s.StrideH}}, SW = {{s.StrideW}};
                constexpr int PT = {{s.PadTop}}, PL = {{s.PadLeft}}, DH = {{s.DilationH}}, DW = {{s.DilationW}};
                constexpr int CG = {{cg}}, PK = {{paddedK}};
                const int g = blockIdx.z;
            """;
        string input = s.InputChannelsLast
            ? "((nimg * H + h) * W + w) * (idx_t)C + cglob"
            : "(nimg * C + cglob) * (idx_t)(H * W) + h * W + w";
        // Per copy slot, once: the row's image and the top-left input position of its output pixel.
        const string aState = "    idx_t a_image[CH];\n    int a_h0[CH], a_w0[CH];";
        const string aInit = """
                        const int pix = (int)(m % (HO * WO));
                        a_image[i] = m / (HO * WO);
                        a_h0[i] = pix / WO * SH - PT;
                        a_w0[i] = pix % WO * SW - PL;
            """;
        var a = vectorA
            ? new MmaOperand(true, aState, aInit, $$"""
                                      const idx_t nimg = a_image[i];
                                      const int tap = kidx / CG, cglob = g * CG + kidx % CG, r = tap / S, s = tap % S;
                                      const int h = a_h0[i] + r * DH, w = a_w0[i] + s * DW;
                                      if (h >= 0 && h < H && w >= 0 && w < W) { src = in0 + {{input}}; ok = true; }
                  """, "in0")
            : new MmaOperand(false, aState, aInit, $$"""
                                      const idx_t nimg = a_image[i];
                                      const int tap = kk / CG, cglob = g * CG + kk % CG, r = tap / S, s = tap % S;
                                      int h = a_h0[i] + r * DH, w = a_w0[i] + s * DW;
                                      bool inside = h >= 0 && h < H && w >= 0 && w < W;
                  {{ConvTemplate.ShiftLoad(s)}}
                                      if (inside) v = in0[{{input}}];
                  """, "in0");
        bool rows = RowWeights(kernel, plan);
        const string bState = "    idx_t b_off[CH];";
        string bInit = $"            b_off[i] = (idx_t)(g * NG + n) * {(rows ? "PK" : "KG")};";
        var b = vectorB
            ? new MmaOperand(true, bState, bInit, """
                                      src = in1 + b_off[i] + kidx;
                                      ok = true;
                  """, "in1")
            : rows
                ? new MmaOperand(false, bState, bInit, "                        v = in1[b_off[i] + kk];", "in1")
                : new MmaOperand(false, bState, bInit, "                        v = in1[b_off[i] + (kk % CG) * (R * S) + kk / CG];", "in1");
        string output = s.OutputChannelsLast
            ? "((nimg * HO + ho) * WO + wo) * (idx_t)K + k"
            : "(nimg * K + k) * (idx_t)(HO * WO) + pix";
        string finish = $$"""
                                const int k = g * NG + n;
                                const idx_t nimg = m / (HO * WO);
                                const int pix = (int)(m % (HO * WO)), ho = pix / WO, wo = pix % WO;
            {{(s.HasBias ? "                    v += in2[k];\n" : "")}}{{Epilogue.Steps(s.Epilogue, s.Operands, ["nimg", "k", "ho", "wo"], "v", "                    ")}}                    out[{{output}}] = v;
            """;
        if (kernel.Numerics.Encoding == WeightEncoding.Sparse24)
            return MmaSparseSkeleton.Emit(header, idx, t, s.GemmM.ToString(System.Globalization.CultureInfo.InvariantCulture),
                s.GemmN.ToString(System.Globalization.CultureInfo.InvariantCulture), s.GemmK.ToString(System.Globalization.CultureInfo.InvariantCulture),
                paddedK, SparseMetadataByte(kernel, plan, s.K, s.GemmK), setup, a, "(idx_t)g * NG", finish);
        return MmaGemmSkeleton.Emit(header, idx, t, fp16, s.GemmM.ToString(System.Globalization.CultureInfo.InvariantCulture),
            s.GemmN.ToString(System.Globalization.CultureInfo.InvariantCulture), s.GemmK.ToString(System.Globalization.CultureInfo.InvariantCulture),
            setup, a, b, finish);
    }

    /// <summary>Whether the weight argument is stored as dense (r, s, c) rows, as lowering stores a constant filter of a
    /// tensor-core conv; a filter computed at run time stays in the model's [K, C/groups, R, S].</summary>
    private static bool RowWeights(PlanKernel kernel, KernelPlan? plan) =>
        plan is null || plan.Storage(kernel.Args[2]).Encoded is { Encoding: WeightEncoding.Dense };

    /// <summary>Where the metadata of a 2:4 filter value starts, in bytes from the value (EncodedWeightShape's layout).</summary>
    internal static long SparseMetadataByte(PlanKernel kernel, KernelPlan? plan, int rows, int k) =>
        (plan?.Storage(kernel.Args[2]).Encoded ?? new EncodedWeightShape(WeightEncoding.Sparse24, rows, k)).MetadataOffset(2);

    private static MmaTile TileOf(ConvSpec s) =>
        s.Mma ?? throw new ArgumentException("a tensor-core conv needs its mma tile");

    private static string Layout(bool channelsLast) => channelsLast ? "NHWC" : "NCHW";
}
