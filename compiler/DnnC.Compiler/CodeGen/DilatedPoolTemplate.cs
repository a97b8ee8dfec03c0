using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Pooling over dilated windows, one thread per output: tap (r, s) reads row h0 + r·DH, column
/// w0 + s·DW. Taps outside the input are skipped; with count_include_pad the divisor counts the
/// taps inside the padded input instead. A window that never touches the input gives 0.
/// </summary>
internal static class DilatedPoolTemplate
{
    public static LaunchConfig Launch(DilatedPoolSpec s)
    {
        Validate(s);
        return ElementwiseLaunch.For((long)s.N * s.C * s.Ho * s.Wo);
    }

    private static void Validate(DilatedPoolSpec s)
    {
        TileChecks.Positive("dilated pool", s.N, s.C, s.H, s.W, s.Ho, s.Wo, s.KernelH, s.KernelW, s.StrideH, s.StrideW, s.DilationH, s.DilationW);
        if (s.PadTop < 0 || s.PadLeft < 0 || s.PadBottom < 0 || s.PadRight < 0)
            throw new ArgumentException("dilated pool pads must be non-negative");
        if (s.Output != PoolOutput.Value && s.Kind != PoolKind.Max) throw new ArgumentException("only a max pool has indices");
    }

    public static string Emit(PlanKernel kernel, DilatedPoolSpec s, KernelPlan? plan)
    {
        Validate(s);
        long total = (long)s.N * s.C * s.Ho * s.Wo;
        string header = KernelArgs.Header(kernel, plan, ElementwiseLaunch.Threads, 2,
            $"{s.Kind} pool{(s.Output == PoolOutput.Value ? "" : $" indices ({s.Output})")} {s.N}x{s.C}x{s.H}x{s.W} -> {s.Ho}x{s.Wo}, window {s.KernelH}x{s.KernelW}, dilation {s.DilationH}x{s.DilationW}");
        string idx = ElementwiseLaunch.IndexType(total, (long)s.N * s.C * s.H * s.W);
        bool max = s.Kind == PoolKind.Max;
        bool index = s.Output != PoolOutput.Value;
        // Indices: the first strict maximum in scan order, as a flat input index (the plane's
        // offset plus the row- or column-major position); -1 when no tap exceeds -inf.
        string position = s.Output == PoolOutput.ColumnMajorIndex ? "h + w * H" : "h * W + w";
        string accumulate = index ? $"if (x > v) {{ v = x; at = (long long)plane_index * (H * W) + ({position}); }}"
            : max ? "v = fmaxf(v, x);" : "v += x;";
        string padded = !max && s.CountIncludePad ? "                if (h < H + PB && w < W + PR) ++padded;\n" : "";
        string result = index ? "(float)at"
            : max ? "count > 0 ? v : 0.0f"
            : s.CountIncludePad ? "count > 0 ? v / (float)padded : 0.0f"
            : "count > 0 ? v / (float)count : 0.0f";
        return $$"""
            {{header}}{
                using idx_t = {{idx}};
                constexpr int H = {{s.H}}, W = {{s.W}}, HO = {{s.Ho}}, WO = {{s.Wo}};
                constexpr int KH = {{s.KernelH}}, KW = {{s.KernelW}}, SH = {{s.StrideH}}, SW = {{s.StrideW}};
                constexpr int PT = {{s.PadTop}}, PL = {{s.PadLeft}}, PB = {{s.PadBottom}}, PR = {{s.PadRight}};
                constexpr int DH = {{s.DilationH}}, DW = {{s.DilationW}};
            {{ElementwiseLaunch.Loop(total)}}        const int wo = (int)(i % WO), ho = (int)((i / WO) % HO);
                    const idx_t plane_index = i / (WO * HO);
                    const auto* plane = in0 + plane_index * (idx_t)(H * W);
                    const int h0 = ho * SH - PT, w0 = wo * SW - PL;
                    float v = {{(max ? "dnnc_neg_inf()" : "0.0f")}};
                    int count = 0, padded = 0;{{(index ? " long long at = -1;" : "")}}
            #pragma unroll
                    for (int r = 0; r < KH; ++r)
            #pragma unroll
                        for (int s = 0; s < KW; ++s) {
                            const int h = h0 + r * DH, w = w0 + s * DW;
            {{padded}}                if (h < 0 || h >= H || w < 0 || w >= W) continue;
                            const float x = plane[h * W + w];
                            {{accumulate}}
                            ++count;
                        }
                    out[i] = {{result}};
                }
            }

            """;
    }
}
