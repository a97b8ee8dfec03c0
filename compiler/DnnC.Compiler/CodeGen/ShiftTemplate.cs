using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// The shift of REFERENCE.md §5 as its own pass: out[n,c,h,w] = in[n,c,h+dh,w+dw], zero outside,
/// with (dh, dw) computed from c exactly as <see cref="ShiftSpec.Offset"/> does.
/// </summary>
internal static class ShiftTemplate
{
    public static LaunchConfig Launch(ShiftSpec s) => ElementwiseLaunch.For(Validate(s));

    private static long Validate(ShiftSpec s)
    {
        TileChecks.Positive("shift", s.N, s.C, s.H, s.W, s.Kernel);
        if (s.Kernel % 2 == 0) throw new ArgumentException($"shift kernel size {s.Kernel} must be odd");
        return (long)s.N * s.C * s.H * s.W;
    }

    public static string Emit(PlanKernel kernel, ShiftSpec s, KernelPlan? plan)
    {
        long total = Validate(s);
        int k2 = s.Kernel * s.Kernel;
        string header = KernelArgs.Header(kernel, plan, ElementwiseLaunch.Threads, 2, $"shift {s.N}x{s.C}x{s.H}x{s.W}, kernel {s.Kernel}");
        return $$"""
            {{header}}{
                using idx_t = {{ElementwiseLaunch.IndexType(total)}};
                constexpr int C = {{s.C}}, H = {{s.H}}, W = {{s.W}}, SK = {{s.Kernel}}, SHIFT_LIMIT = {{s.C / k2 * k2}};
            {{ElementwiseLaunch.Loop(total)}}        const int w = (int)(i % W), h = (int)((i / W) % H);
                    const int c = (int)((i / ((idx_t)W * H)) % C);
                    const int hs = h + (c < SHIFT_LIMIT ? (c / SK) % SK - SK / 2 : 0);
                    const int ws = w + (c < SHIFT_LIMIT ? c % SK - SK / 2 : 0);
                    const bool inside = hs >= 0 && hs < H && ws >= 0 && ws < W;
                    out[i] = inside ? in0[i + (idx_t)((hs - h) * W + (ws - w))] : 0.0f;
                }
            }

            """;
    }
}
