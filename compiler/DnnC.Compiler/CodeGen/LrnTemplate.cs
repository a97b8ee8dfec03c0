using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Local response normalization across channels, one thread per output in a grid-stride loop: the
/// sum of squares over the (clipped) channel window, then x / (bias + alpha/size · Σ)^beta. Neighbouring
/// threads take neighbouring inner positions, so each window read is coalesced.
/// </summary>
internal static class LrnTemplate
{
    public static LaunchConfig Launch(LrnSpec s)
    {
        Validate(s);
        return ElementwiseLaunch.For((long)s.N * s.C * s.Inner);
    }

    private static void Validate(LrnSpec s) => TileChecks.Positive("lrn", s.N, s.C, s.Inner, s.Size);

    public static string Emit(PlanKernel kernel, LrnSpec s, KernelPlan? plan)
    {
        Validate(s);
        long total = (long)s.N * s.C * s.Inner;
        var (below, above) = s.Window;
        string header = KernelArgs.Header(kernel, plan, ElementwiseLaunch.Threads, 2,
            $"lrn over [{s.N}, {s.C}, {s.Inner}], size {s.Size}, alpha {s.Alpha}, beta {s.Beta}, bias {s.Bias}");
        return $$"""
            {{header}}{
                using idx_t = {{ElementwiseLaunch.IndexType(total)}};
                constexpr int C = {{s.C}}, INNER = {{s.Inner}}, BELOW = {{below}}, ABOVE = {{above}};
            {{ElementwiseLaunch.Loop(total)}}        const int c = (int)((i / INNER) % C);
                    const auto* column = in0 + (i / ((idx_t)C * INNER)) * ((idx_t)C * INNER) + i % INNER;
                    const int first = c - BELOW < 0 ? 0 : c - BELOW, last = c + ABOVE > C - 1 ? C - 1 : c + ABOVE;
                    float squares = 0.0f;
                    for (int k = first; k <= last; ++k) { const float v = column[(idx_t)k * INNER]; squares += v * v; }
                    out[i] = in0[i] / powf({{CudaText.Float(s.Bias)}} + {{CudaText.Float(s.Alpha / s.Size)}} * squares, {{CudaText.Float(s.Beta)}});
                }
            }

            """;
    }
}
