using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Transposed convolution as a gathering implicit GEMM, the same tiling as <see cref="ConvTemplate"/>:
/// rows m = (n, oy, ox) output pixels, columns the K/groups output channels of group blockIdx.z,
/// reduction kr = (c, r, s). The A tile holds, for each output pixel and tap, the one input pixel
/// that scatters onto it (iy·SH = oy + PT − r·DH exactly, inside the input) or 0, so every output
/// is owned by one thread and no atomics are needed. The B tile reads weights [C, K/groups, R, S].
/// </summary>
internal static class ConvTransposeTemplate
{
    public static LaunchConfig Launch(ConvTransposeSpec spec)
    {
        Validate(spec);
        var tile = spec.Tile;
        var launch = new LaunchConfig(
            TileChecks.Blocks(spec.GemmM, tile.Mt, "conv_transpose"),
            TileChecks.Blocks(spec.GemmN, tile.Nt, "conv_transpose"),
            spec.Groups, tile.Threads, 1, 1, 0);
        TileChecks.GridLimits(launch, "conv_transpose");
        return launch;
    }

    private static void Validate(ConvTransposeSpec s)
    {
        TileChecks.Positive("conv_transpose", s.N, s.C, s.H, s.W, s.K, s.R, s.S, s.Ho, s.Wo, s.StrideH, s.StrideW, s.DilationH, s.DilationW, s.Groups);
        if (s.C % s.Groups != 0 || s.K % s.Groups != 0)
            throw new ArgumentException($"conv_transpose channels C={s.C}, K={s.K} are not divisible by groups={s.Groups}");
        if (s.PadTop < 0 || s.PadLeft < 0) throw new ArgumentException("conv_transpose pads must be non-negative");
        TileChecks.Check(s.Tile);
    }

    public static string Emit(PlanKernel kernel, ConvTransposeSpec s, KernelPlan? plan)
    {
        Validate(s);
        var t = s.Tile;
        string header = KernelArgs.Header(kernel, plan, t.Threads, s.HasBias ? 4 : 3,
            $"implicit-GEMM conv_transpose {s.N}x{s.C}x{s.H}x{s.W} -> {s.K}x{s.Ho}x{s.Wo}, {s.R}x{s.S}, groups {s.Groups}, tile {t}");
        string idx = CudaText.IndexType((long)s.N * s.C * s.H * s.W, (long)s.N * s.K * s.Ho * s.Wo, (long)s.C * s.GemmN * s.R * s.S);
        string bias = s.HasBias ? "            v += in2[k];\n" : "";
        var shape = new ConvGemmShape(s.C, s.H, s.W, s.K, s.R, s.S, s.Ho, s.Wo, s.StrideH, s.StrideW, s.PadTop, s.PadLeft,
            s.DilationH, s.DilationW, s.C / s.Groups, s.GemmN, s.GemmK, s.GemmM, t);
        // The one input pixel that scatters onto output (oy, ox) through tap (r, s), if any.
        const string gatherA = """
                            const int oy = pix / WO, ox = pix % WO;
                            const int ty = oy + PT - r * DH, tx = ox + PL - s * DW;
                            const int iy = ty / SH, ix = tx / SW;
                            if (ty >= 0 && tx >= 0 && iy * SH == ty && ix * SW == tx && iy < H && ix < W)
                                v = in0[(nimg * C + cglob) * (idx_t)(H * W) + iy * W + ix];
            """;
        // Weights [C, K/groups, R, S]: the input channel of reduction index kr picks the slice.
        const string loadB = """
                        float w = 0.0f;
                        if (n < NG && kr < KG) {
                            const int cglob = g * CG + kr / (R * S);
                            w = in1[((idx_t)cglob * NG + n) * (R * S) + kr % (R * S)];
                        }
                        Bs[kk][nn] = w;
            """;
        return ImplicitGemmSkeleton.Emit(header, idx, shape, gatherA, loadB, "", bias);
    }
}
