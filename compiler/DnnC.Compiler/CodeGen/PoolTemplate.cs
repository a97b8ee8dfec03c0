using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Windowed max or average pooling, one thread per output. Positions outside the input are
/// padding: max ignores them (they read as -inf); average counts them only with CountIncludePad,
/// whose divisor is then the whole window KernelH·KernelW (the padding implied by Ho and Wo).
/// </summary>
internal static class PoolTemplate
{
    public static LaunchConfig Launch(PoolSpec s)
    {
        Validate(s);
        return ElementwiseLaunch.For((long)s.N * s.C * s.Ho * s.Wo);
    }

    private static void Validate(PoolSpec s) =>
        TileChecks.Positive("pool", s.N, s.C, s.H, s.W, s.Ho, s.Wo, s.KernelH, s.KernelW, s.StrideH, s.StrideW);

    public static string Emit(PlanKernel kernel, PoolSpec s, KernelPlan? plan)
    {
        Validate(s);
        long total = (long)s.N * s.C * s.Ho * s.Wo;
        string header = KernelArgs.Header(kernel, plan, ElementwiseLaunch.Threads, 2,
            $"{s.Kind} pool {s.N}x{s.C}x{s.H}x{s.W} -> {s.Ho}x{s.Wo}, window {s.KernelH}x{s.KernelW}");
        string idx = ElementwiseLaunch.IndexType(total, (long)s.N * s.C * s.H * s.W);
        string body = s.Kind == PoolKind.Max ? MaxBody : AverageBody(s.CountIncludePad);
        return $$"""
            {{header}}{
                using idx_t = {{idx}};
                constexpr int H = {{s.H}}, W = {{s.W}}, HO = {{s.Ho}}, WO = {{s.Wo}};
                constexpr int KH = {{s.KernelH}}, KW = {{s.KernelW}}, SH = {{s.StrideH}}, SW = {{s.StrideW}};
                constexpr int PT = {{s.PadTop}}, PL = {{s.PadLeft}};
            {{ElementwiseLaunch.Loop(total)}}        const int wo = (int)(i % WO), ho = (int)((i / WO) % HO);
                    const auto* plane = in0 + (i / (WO * HO)) * (idx_t)(H * W);
                    const int h0 = ho * SH - PT, w0 = wo * SW - PL;
            {{body}}        out[i] = v;
                }
            }

            """;
    }

    private const string MaxBody = """
                float v = dnnc_neg_inf();
        #pragma unroll
                for (int r = 0; r < KH; ++r)
        #pragma unroll
                    for (int s = 0; s < KW; ++s) {
                        const int h = h0 + r, w = w0 + s;
                        if (h >= 0 && h < H && w >= 0 && w < W) v = fmaxf(v, plane[h * W + w]);
                    }

        """;

    private static string AverageBody(bool countIncludePad) => $$"""
                float sum = 0.0f;
                int count = 0;
        #pragma unroll
                for (int r = 0; r < KH; ++r)
        #pragma unroll
                    for (int s = 0; s < KW; ++s) {
                        const int h = h0 + r, w = w0 + s;
                        if (h >= 0 && h < H && w >= 0 && w < W) { sum += plane[h * W + w]; ++count; }
                    }
                const float v = {{(countIncludePad ? "sum / (float)(KH * KW)" : "count > 0 ? sum / (float)count : 0.0f")}};

        """;
}
