using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Convolution as an implicit GEMM: rows m = (n, ho, wo) output pixels, columns the K/groups output
/// channels of group blockIdx.z, reduction kr = (c, r, s) in weight order. Each K-tile of x
/// patches and weights is staged through shared memory; each thread keeps a ThreadM × ThreadN
/// register tile. Thread rows are strided by Mt/ThreadM so that a warp's loads of a tile row and
/// its stores of consecutive pixels are coalesced.
/// </summary>
internal static class ConvTemplate
{
    /// <summary>The numerics this template emits: dense weights, FP32 math on CUDA cores, FP32 or FP16 storage. Tensor-core
    /// math is <see cref="MmaConvTemplate"/>'s; encoded weights have no CUDA template yet.</summary>
    public static bool Supports(PlanNumerics numerics) => KernelTemplates.IsSimt(numerics);

    public static LaunchConfig Launch(ConvSpec spec)
    {
        Validate(spec);
        var tile = spec.Tile;
        var launch = new LaunchConfig(
            TileChecks.Blocks(spec.GemmM, tile.Mt, "conv"),
            TileChecks.Blocks(spec.GemmN, tile.Nt, "conv"),
            spec.Groups, tile.Threads, 1, 1, 0);
        TileChecks.GridLimits(launch, "conv");
        return launch;
    }

    public static void Validate(ConvSpec s)
    {
        TileChecks.Positive("conv", s.N, s.C, s.H, s.W, s.K, s.R, s.S, s.Ho, s.Wo, s.StrideH, s.StrideW, s.DilationH, s.DilationW, s.Groups);
        if (s.C % s.Groups != 0 || s.K % s.Groups != 0)
            throw new ArgumentException($"conv channels C={s.C}, K={s.K} are not divisible by groups={s.Groups}");
        if (s.InputShift < 0 || (s.InputShift > 0 && (s.InputShift % 2 == 0 || s.R != 1 || s.S != 1)))
            throw new ArgumentException($"conv input shift {s.InputShift} needs an odd kernel size and a 1x1 conv");
        TileChecks.Check(s.Tile);
    }

    public static string Emit(PlanKernel kernel, ConvSpec s, KernelPlan? plan)
    {
        Validate(s);
        var t = s.Tile;
        int fixedInputs = s.HasBias ? 3 : 2;
        string header = KernelArgs.Header(kernel, plan, t.Threads, KernelArgs.Required(fixedInputs, s.Operands),
            $"implicit-GEMM conv {s.N}x{s.C}x{s.H}x{s.W} -> {s.K}x{s.Ho}x{s.Wo}, {s.R}x{s.S}, groups {s.Groups}, tile {t}");
        string idx = CudaText.IndexType((long)s.N * s.C * s.H * s.W, (long)s.N * s.K * s.Ho * s.Wo, (long)s.K * s.GemmK);
        string bias = s.HasBias ? "                v += in2[k];\n" : "";
        string epilogue = Epilogue.Steps(s.Epilogue, s.Operands, ["nimg", "k", "ho", "wo"], "v", "                ");
        var shape = new ConvGemmShape(s.C, s.H, s.W, s.K, s.R, s.S, s.Ho, s.Wo, s.StrideH, s.StrideW, s.PadTop, s.PadLeft,
            s.DilationH, s.DilationW, s.C / s.Groups, s.GemmN, s.GemmK, s.GemmM, t);
        string gatherA = $"""
                            const int ho = pix / WO, wo = pix % WO;
                            int h = ho * SH - PT + r * DH;
                            int w = wo * SW - PL + s * DW;
                            bool inside = h >= 0 && h < H && w >= 0 && w < W;
            {ShiftLoad(s)}
                            if (inside) v = in0[(nimg * C + cglob) * (idx_t)(H * W) + h * W + w];
            """;
        const string loadB = "            Bs[kk][nn] = (n < NG && kr < KG) ? in1[(idx_t)(g * NG + n) * KG + kr] : 0.0f;";
        const string rowLocals = "        const int ho = pix / WO, wo = pix % WO;\n";
        return ImplicitGemmSkeleton.Emit(header, idx, shape, gatherA, loadB, rowLocals, bias + epilogue);
    }

    /// <summary>REFERENCE.md §5: the shifted input of channel cglob, zero outside the image.</summary>
    internal static string ShiftLoad(ConvSpec s)
    {
        if (s.InputShift == 0) return "";
        int k = s.InputShift, k2 = k * k;
        int limit = s.C / k2 * k2;
        return $$"""
                            {
                                constexpr int SK = {{k}}, SHIFT_LIMIT = {{limit}};
                                const int dh = cglob < SHIFT_LIMIT ? (cglob / SK) % SK - SK / 2 : 0;
                                const int dw = cglob < SHIFT_LIMIT ? cglob % SK - SK / 2 : 0;
                                h += dh;
                                w += dw;
                                inside = inside && h >= 0 && h < H && w >= 0 && w < W;
                            }
            """;
    }
}
