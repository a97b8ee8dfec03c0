using System.Text;
using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Reduction over any axes, in one of two layouts. When the reduced elements are contiguous in memory
/// (the innermost axis is reduced) and long enough (at least <see cref="BlockThreshold"/>), or when
/// there are too few outputs to fill the GPU otherwise, each output gets a block: strided per-thread
/// partials, then a <see cref="BlockReduction"/> tree. Otherwise each output gets a thread in a
/// grid-stride loop: with a kept innermost axis, neighbouring threads then read neighbouring
/// addresses on every step (coalesced), where a block per output would read one strided column.
/// Input offsets come from the output index (kept axes) and the reduction index (reduced axes), each
/// decomposed with compile-time sizes and strides. Log-sum-exp first finds the maximum, as softmax does.
/// </summary>
internal static class ReduceTemplate
{
    public const int BlockThreshold = 32;

    /// <summary>Below this many outputs, a thread per output would leave most of the GPU idle.</summary>
    public const int FewOutputs = 1024;

    public static bool BlockPerOutput(ReduceSpec s)
    {
        if (s.Length < BlockThreshold) return false;
        var (_, reduced) = s.Split();
        return reduced[^1].Stride == 1 || s.Outputs < FewOutputs;
    }

    public static LaunchConfig Launch(ReduceSpec s)
    {
        Validate(s);
        if (!BlockPerOutput(s)) return ElementwiseLaunch.For(s.Outputs);
        return new LaunchConfig(TileChecks.Blocks(s.Outputs, 1, "reduce"), 1, 1, GlobalPoolTemplate.Threads(ClampLength(s)), 1, 1, 0);
    }

    private static void Validate(ReduceSpec s)
    {
        TileChecks.Positive("reduce", [.. s.InputShape.Select(d => (long)d)]);
        if (s.Axes.Any(a => a < 0 || a >= s.InputShape.Count)) throw new ArgumentException("reduce axis out of range");
    }

    private static int ClampLength(ReduceSpec s) => (int)Math.Min(s.Length, int.MaxValue);

    public static string Emit(PlanKernel kernel, ReduceSpec s, KernelPlan? plan)
    {
        var launch = Launch(s);
        bool block = BlockPerOutput(s);
        long inputElements = HostTensor.ElementCount(s.InputShape);
        var (kept, reduced) = s.Split();
        string header = KernelArgs.Header(kernel, plan, launch.BlockX, 2,
            $"reduce_{s.Kind.ToString().ToLowerInvariant()} of [{string.Join("x", s.InputShape)}] over axes {string.Join(",", s.Axes)}");
        string idx = block ? CudaText.IndexType(inputElements) : ElementwiseLaunch.IndexType(s.Outputs, inputElements);
        var body = new StringBuilder();
        if (block)
        {
            body.Append($"    constexpr int THREADS = {launch.BlockX};\n");
            body.Append("    __shared__ float partial[THREADS];\n");
            body.Append("    const int tid = threadIdx.x;\n");
            body.Append($"    const auto* x = in0 + ({Offset("(idx_t)blockIdx.x", kept)});\n");
            if (s.Kind == ReduceKind.LogSumExp)
            {
                body.Append("    float m = dnnc_neg_inf();\n");
                body.Append($"    for (idx_t r = tid; r < LENGTH; r += THREADS) m = fmaxf(m, x[{Offset("r", reduced)}]);\n");
                body.Append(BlockReduction.Tree("m", BlockReduction.Max, "rowMax"));
                body.Append($"    const float shift = {Finite("rowMax")};\n");
            }
            body.Append($"    float acc = {Initial(s.Kind)};\n");
            body.Append($"    for (idx_t r = tid; r < LENGTH; r += THREADS) {{ const float v = x[{Offset("r", reduced)}]; acc = {Accumulate(s.Kind, "acc", "v")}; }}\n");
            body.Append(BlockReduction.Tree("acc", Combine(s.Kind), "total"));
            body.Append($"    if (tid == 0) out[blockIdx.x] = {Finish(s.Kind, "total")};\n");
        }
        else
        {
            body.Append(ElementwiseLaunch.Loop(s.Outputs));
            body.Append($"        const auto* x = in0 + ({Offset("i", kept)});\n");
            if (s.Kind == ReduceKind.LogSumExp)
            {
                body.Append("        float m = dnnc_neg_inf();\n");
                body.Append($"        for (idx_t r = 0; r < LENGTH; ++r) m = fmaxf(m, x[{Offset("r", reduced)}]);\n");
                body.Append($"        const float shift = {Finite("m")};\n");
            }
            body.Append($"        float acc = {Initial(s.Kind)};\n");
            body.Append($"        for (idx_t r = 0; r < LENGTH; ++r) {{ const float v = x[{Offset("r", reduced)}]; acc = {Accumulate(s.Kind, "acc", "v")}; }}\n");
            body.Append($"        out[i] = {Finish(s.Kind, "acc")};\n");
            body.Append("    }\n");
        }
        return $$"""
            {{header}}{
                using idx_t = {{idx}};
                constexpr idx_t LENGTH = {{CudaText.Int(s.Length)}};
            {{body}}}

            """;
    }

    /// <summary>Σ coordinate · stride of <paramref name="flat"/> over <paramref name="dims"/> (row-major), as C.</summary>
    private static string Offset(string flat, List<(int Size, long Stride)> dims)
    {
        if (dims.Count == 0) return "0";
        var terms = new List<string>();
        long inner = 1;
        for (int d = dims.Count - 1; d >= 0; d--)
        {
            string quotient = inner == 1 ? flat : $"{flat} / {CudaText.Int(inner)}";
            string coordinate = d == 0 ? $"({quotient})" : $"({quotient} % {CudaText.Int(dims[d].Size)})";
            terms.Add(dims[d].Stride == 1 ? coordinate : $"{coordinate} * {CudaText.Int(dims[d].Stride)}");
            inner *= dims[d].Size;
        }
        return string.Join(" + ", terms);
    }

    /// <summary>The shift for log-sum-exp: the max, or 0 when it is infinite (as the reference does).</summary>
    private static string Finite(string max) => $"(fabsf({max}) <= 3.40282347e38f ? {max} : 0.0f)";

    private static string Initial(ReduceKind kind) => kind switch
    {
        ReduceKind.Max => "dnnc_neg_inf()",
        ReduceKind.Min => "(-dnnc_neg_inf())",
        ReduceKind.Prod => "1.0f",
        _ => "0.0f",
    };

    private static string Accumulate(ReduceKind kind, string acc, string v) => kind switch
    {
        ReduceKind.Sum or ReduceKind.Mean or ReduceKind.LogSum => $"{acc} + {v}",
        ReduceKind.Max => $"dnnc_max_nan({acc}, {v})",
        ReduceKind.Min => $"dnnc_min_nan({acc}, {v})",
        ReduceKind.Prod => $"{acc} * {v}",
        ReduceKind.L1 => $"{acc} + fabsf({v})",
        ReduceKind.L2 or ReduceKind.SumSquare => $"{acc} + {v} * {v}",
        ReduceKind.LogSumExp => $"{acc} + expf({v} - shift)",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown reduction"),
    };

    private static string Combine(ReduceKind kind) => kind switch
    {
        ReduceKind.Max => "dnnc_max_nan({0}, {1})",
        ReduceKind.Min => "dnnc_min_nan({0}, {1})",
        ReduceKind.Prod => "{0} * {1}",
        _ => BlockReduction.Sum,
    };

    private static string Finish(ReduceKind kind, string total) => kind switch
    {
        ReduceKind.Mean => $"{total} / (float)LENGTH",
        ReduceKind.L2 => $"sqrtf({total})",
        ReduceKind.LogSum => $"logf({total})",
        ReduceKind.LogSumExp => $"logf({total}) + shift",
        _ => total,
    };
}
