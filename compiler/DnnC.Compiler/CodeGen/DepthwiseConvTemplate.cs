using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Depthwise convolution (groups == C == K): a block computes a TH × TW tile of one (n, c) output
/// plane, one output per thread, after staging the input patch the tile reads (with its zero
/// padding) and the channel's R × S filter in shared memory. Grid: (spatial tiles, C, N).
/// </summary>
internal static class DepthwiseConvTemplate
{
    private const int MaxSharedBytes = 48 * 1024;

    public static LaunchConfig Launch(ConvSpec spec)
    {
        Validate(spec);
        var (th, tw) = TileFor(spec);
        int tiles = TileChecks.Blocks((long)Ceil(spec.Ho, th) * Ceil(spec.Wo, tw), 1, "depthwise conv");
        var launch = new LaunchConfig(tiles, spec.C, spec.N, th * tw, 1, 1, 0);
        TileChecks.GridLimits(launch, "depthwise conv");
        return launch;
    }

    public static void Validate(ConvSpec s)
    {
        TileChecks.Positive("depthwise conv", s.N, s.C, s.H, s.W, s.K, s.R, s.S, s.Ho, s.Wo, s.StrideH, s.StrideW, s.DilationH, s.DilationW);
        if (s.Groups != s.C || s.K != s.C)
            throw new ArgumentException($"depthwise conv needs groups == C == K, got groups={s.Groups}, C={s.C}, K={s.K}");
        if (s.InputShift < 0 || (s.InputShift > 0 && (s.InputShift % 2 == 0 || s.R != 1 || s.S != 1)))
            throw new ArgumentException($"conv input shift {s.InputShift} needs an odd kernel size and a 1x1 conv");
        var (th, tw) = TileFor(s);
        long shared = ((long)PatchSize(th, s.StrideH, s.R, s.DilationH) * PatchSize(tw, s.StrideW, s.S, s.DilationW) + s.R * s.S) * sizeof(float);
        if (shared > MaxSharedBytes)
            throw new ArgumentException($"depthwise conv patch needs {shared} bytes of shared memory; the limit is {MaxSharedBytes}");
    }

    /// <summary>16 × 16 outputs per block, shrunk to 8 along a small side so tiny maps waste fewer threads.</summary>
    public static (int Th, int Tw) TileFor(ConvSpec s) => (s.Ho <= 8 ? 8 : 16, s.Wo <= 8 ? 8 : 16);

    private static int PatchSize(int tile, int stride, int kernel, int dilation) => (tile - 1) * stride + (kernel - 1) * dilation + 1;

    private static int Ceil(int a, int b) => (a + b - 1) / b;

    public static string Emit(PlanKernel kernel, ConvSpec s, KernelPlan? plan)
    {
        Validate(s);
        var (th, tw) = TileFor(s);
        int fixedInputs = s.HasBias ? 3 : 2;
        string header = KernelArgs.Header(kernel, plan, th * tw, KernelArgs.Required(fixedInputs, s.Operands),
            $"depthwise conv {s.N}x{s.C}x{s.H}x{s.W} -> {s.Ho}x{s.Wo}, {s.R}x{s.S}, tile {th}x{tw}");
        string idx = CudaText.IndexType((long)s.N * s.C * s.H * s.W, (long)s.N * s.K * s.Ho * s.Wo);
        string bias = s.HasBias ? "        v += in2[c];\n" : "";
        string epilogue = Epilogue.Steps(s.Epilogue, s.Operands, ["nimg", "c", "ho", "wo"], "v", "        ");
        return $$"""
            {{header}}{
                using idx_t = {{idx}};
                constexpr int C = {{s.C}}, H = {{s.H}}, W = {{s.W}}, R = {{s.R}}, S = {{s.S}};
                constexpr int HO = {{s.Ho}}, WO = {{s.Wo}}, SH = {{s.StrideH}}, SW = {{s.StrideW}};
                constexpr int PT = {{s.PadTop}}, PL = {{s.PadLeft}}, DH = {{s.DilationH}}, DW = {{s.DilationW}};
                constexpr int TH = {{th}}, TW = {{tw}}, THREADS = TH * TW;
                constexpr int PH = (TH - 1) * SH + (R - 1) * DH + 1, PW = (TW - 1) * SW + (S - 1) * DW + 1;
                constexpr int TILES_W = (WO + TW - 1) / TW;
                __shared__ float patch[PH * PW];
                __shared__ float filter[R * S];
                const int tid = threadIdx.x;
                const int c = blockIdx.y;
                const idx_t nimg = blockIdx.z;
                const int ho0 = (blockIdx.x / TILES_W) * TH, wo0 = (blockIdx.x % TILES_W) * TW;
                const int h0 = ho0 * SH - PT, w0 = wo0 * SW - PL;
                const auto* plane = in0 + (nimg * C + c) * (idx_t)(H * W);
                for (int e = tid; e < PH * PW; e += THREADS) {
                    int h = h0 + e / PW, w = w0 + e % PW;
                    bool inside = h >= 0 && h < H && w >= 0 && w < W;
            {{ShiftLoad(s)}}
                    patch[e] = inside ? plane[h * W + w] : 0.0f;
                }
                for (int e = tid; e < R * S; e += THREADS) filter[e] = in1[c * (R * S) + e];
                __syncthreads();
                const int ty = tid / TW, tx = tid % TW;
                const int ho = ho0 + ty, wo = wo0 + tx;
                if (ho < HO && wo < WO) {
                    float v = 0.0f;
            #pragma unroll
                    for (int r = 0; r < R; ++r)
            #pragma unroll
                        for (int s = 0; s < S; ++s)
                            v = fmaf(patch[(ty * SH + r * DH) * PW + tx * SW + s * DW], filter[r * S + s], v);
            {{bias}}{{epilogue}}        out[(nimg * C + c) * (idx_t)(HO * WO) + ho * WO + wo] = v;
                }
            }

            """;
    }

    private static string ShiftLoad(ConvSpec s)
    {
        if (s.InputShift == 0) return "";
        int k = s.InputShift, k2 = k * k;
        return $$"""
                    {
                        constexpr int SK = {{k}}, SHIFT_LIMIT = {{s.C / k2 * k2}};
                        h += c < SHIFT_LIMIT ? (c / SK) % SK - SK / 2 : 0;
                        w += c < SHIFT_LIMIT ? c % SK - SK / 2 : 0;
                        inside = inside && h >= 0 && h < H && w >= 0 && w < W;
                    }
            """;
    }
}
