using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Layer and instance normalization: one block per normalized row. The mean and then the variance
/// of (x − mean) are <see cref="BlockReduction"/> trees (two passes, as the reference computes them,
/// so large means do not cancel the variance away); a third pass writes the scaled result. Instance
/// norm reads one scale and bias per row (channel = row mod C); layer norm reads them per column
/// through their broadcast strides.
/// </summary>
internal static class NormalizationTemplate
{
    public static LaunchConfig Launch(LayerNormSpec s)
    {
        TileChecks.Positive("layernorm", [s.Rows, .. s.NormalizedShape.Select(d => (long)d)]);
        return new LaunchConfig(s.Rows, 1, 1, GlobalPoolTemplate.Threads(Columns(s.Columns)), 1, 1, 0);
    }

    public static LaunchConfig Launch(InstanceNormSpec s)
    {
        TileChecks.Positive("instancenorm", s.N, s.C, s.Spatial);
        return new LaunchConfig(TileChecks.Blocks((long)s.N * s.C, 1, "instancenorm"), 1, 1, GlobalPoolTemplate.Threads(s.Spatial), 1, 1, 0);
    }

    public static string Emit(PlanKernel kernel, LayerNormSpec s, KernelPlan? plan)
    {
        var launch = Launch(s);
        int columns = Columns(s.Columns);
        string header = KernelArgs.Header(kernel, plan, launch.BlockX, s.Bias is null ? 3 : 4,
            $"layernorm of {s.Rows} rows of [{string.Join("x", s.NormalizedShape)}], epsilon {s.Epsilon}");
        var (coordinates, names) = Epilogue.Coordinates("c", [.. s.NormalizedShape], "        ", "n");
        string scale = Epilogue.Load(s.Scale, names);
        string bias = s.Bias is null ? "" : " + " + Epilogue.Load(s.Bias, names);
        string write = $"{{\n{coordinates}        y[c] = (x[c] - mean) * inv * {scale}{bias};\n    }}";
        return Row(header, (long)s.Rows * columns, columns, launch.BlockX, s.Epsilon, "", write);
    }

    public static string Emit(PlanKernel kernel, InstanceNormSpec s, KernelPlan? plan)
    {
        var launch = Launch(s);
        string header = KernelArgs.Header(kernel, plan, launch.BlockX, 4,
            $"instancenorm of [{s.N}, {s.C}, {s.Spatial}], epsilon {s.Epsilon}");
        string parameters = $"    const float gain = in1[row % {s.C}] * inv, shift = in2[row % {s.C}];\n";
        return Row(header, (long)s.N * s.C * s.Spatial, s.Spatial, launch.BlockX, s.Epsilon, parameters,
            "y[c] = (x[c] - mean) * gain + shift;");
    }

    private static int Columns(long columns) =>
        columns <= int.MaxValue ? (int)columns : throw new ArgumentException($"a normalized row of {columns} elements is too long");

    private static string Row(string header, long total, int columns, int threads, float epsilon, string parameters, string write) => $$"""
        {{header}}{
            using idx_t = {{CudaText.IndexType(total)}};
            constexpr int COLUMNS = {{columns}}, THREADS = {{threads}};
            __shared__ float partial[THREADS];
            const int tid = threadIdx.x;
            const idx_t row = blockIdx.x;
            const auto* x = in0 + row * COLUMNS;
            auto* y = out + row * COLUMNS;
            float sum = 0.0f;
            for (int c = tid; c < COLUMNS; c += THREADS) sum += x[c];
        {{BlockReduction.Tree("sum", BlockReduction.Sum, "rowSum")}}    const float mean = rowSum / (float)COLUMNS;
            float squares = 0.0f;
            for (int c = tid; c < COLUMNS; c += THREADS) { const float d = x[c] - mean; squares += d * d; }
        {{BlockReduction.Tree("squares", BlockReduction.Sum, "rowSquares")}}    const float inv = 1.0f / sqrtf(rowSquares / (float)COLUMNS + {{CudaText.Float(epsilon)}});
        {{parameters}}    for (int c = tid; c < COLUMNS; c += THREADS) {{write}}
        }

        """;
}
