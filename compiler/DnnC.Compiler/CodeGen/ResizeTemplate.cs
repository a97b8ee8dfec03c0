using System.Text;
using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Resize by tap tables, one thread per output element. Each resized axis looks its output
/// coordinate up in device-constant tables (TAPS input indices and weights per output index)
/// built on the host in float64; identity axes read straight through. The blend is one unrolled
/// loop per resized axis, the weight product carried inward. Tables live at namespace scope,
/// named after the kernel.
/// </summary>
internal static class ResizeTemplate
{
    /// <summary>Taps^axes terms per output: past this the kernel would be a poor way to resize.</summary>
    private const long MaxTerms = 4096;

    public static LaunchConfig Launch(ResizeSpec s) => ElementwiseLaunch.For(Validate(s));

    private static long Validate(ResizeSpec s)
    {
        int rank = s.InputShape.Count;
        if (s.OutputShape.Count != rank) throw new ArgumentException($"resize of {s.InputShape} to {s.OutputShape} changes the rank");
        if (s.Taps < 1) throw new ArgumentException($"resize with {s.Taps} taps per axis");
        TileChecks.Positive("resize", [.. s.InputShape.Select(d => (long)d), .. s.OutputShape.Select(d => (long)d)]);
        int entries = s.OutputShape.Sum() * s.Taps;
        if (s.Index.Count != entries || s.Weight.Count != entries)
            throw new ArgumentException($"resize tables need {entries} entries, {s.Taps} per output index of every axis");
        for (int d = 0; d < rank; d++)
            for (int e = s.Offset(d) * s.Taps; e < (s.Offset(d) + s.OutputShape[d]) * s.Taps; e++)
                if (s.Index[e] < -1 || s.Index[e] >= s.InputShape[d] || (s.Index[e] == -1 && s.Index[e - e % s.Taps] != -1))
                    throw new ArgumentException($"resize axis {d}: tap {s.Index[e]} leaves [0, {s.InputShape[d]})");
        if (Math.Pow(s.Taps, s.ResizedAxes.Count()) > MaxTerms)
            throw new ArgumentException($"resize blends more than {MaxTerms} input elements per output");
        return HostTensor.ElementCount(s.OutputShape);
    }

    public static string Emit(PlanKernel kernel, ResizeSpec s, KernelPlan? plan)
    {
        long total = Validate(s);
        string name = CudaText.CheckIdentifier(kernel.Name);
        var inStrides = HostTensor.RowMajorStrides(s.InputShape);
        var resized = s.ResizedAxes.ToList();
        string header = KernelArgs.Header(kernel, plan, ElementwiseLaunch.Threads, 2,
            $"resize {s.InputShape} -> {s.OutputShape}, {s.Taps} taps per resized axis");
        var (coordinates, names) = Epilogue.Coordinates("i", s.OutputShape, "        ");

        var tables = new StringBuilder();
        var lookups = new StringBuilder();
        foreach (int d in resized)
        {
            int from = s.Offset(d) * s.Taps, count = s.OutputShape[d] * s.Taps;
            tables.Append(Table("int", $"{name}_i{d}", s.Index.Skip(from).Take(count).Select(v => CudaText.Int(v))));
            tables.Append(Table("float", $"{name}_w{d}", s.Weight.Skip(from).Take(count).Select(CudaText.Float)));
            lookups.Append($"        const int b{d} = (int){names[d]} * TAPS;\n");
        }
        var straight = Enumerable.Range(0, names.Count).Where(d => !resized.Contains(d))
            .Select(d => $" + (idx_t){names[d]} * {CudaText.Int(inStrides[d])}");

        // One unrolled loop per resized axis: offset and weight accumulate inward, the innermost adds.
        var blend = new StringBuilder();
        string indent = "        ", offset = "o", weight = "1.0f";
        foreach (int d in resized)
        {
            blend.Append($"{indent}#pragma unroll\n{indent}for (int k{d} = 0; k{d} < TAPS; ++k{d}) {{\n");
            indent += "    ";
            blend.Append($"{indent}const idx_t o{d} = {offset} + (idx_t){name}_i{d}[b{d} + k{d}] * {CudaText.Int(inStrides[d])};\n");
            blend.Append($"{indent}const float w{d} = {weight} * {name}_w{d}[b{d} + k{d}];\n");
            (offset, weight) = ($"o{d}", $"w{d}");
        }
        blend.Append($"{indent}v += {weight} * in0[{offset}];\n");
        foreach (int _ in resized)
        {
            indent = indent[..^4];
            blend.Append($"{indent}}}\n");
        }
        string outside = resized.Count == 0 || !s.Index.Contains(-1) ? "false"
            : string.Join(" || ", resized.Select(d => $"{name}_i{d}[b{d}] < 0"));
        return $$"""
            {{tables}}{{header}}{
                using idx_t = {{ElementwiseLaunch.IndexType(total, HostTensor.ElementCount(s.InputShape))}};
                constexpr int TAPS = {{s.Taps}};
            {{ElementwiseLaunch.Loop(total)}}{{coordinates}}{{lookups}}        if ({{outside}}) {
                        out[i] = {{CudaText.Float(s.Extrapolation)}};
                        continue;
                    }
                    const idx_t o = 0{{string.Concat(straight)}};
                    float v = 0.0f;
            {{blend}}        out[i] = v;
                }
            }

            """;
    }

    private static string Table(string type, string name, IEnumerable<string> values) =>
        $"static __device__ const {type} {name}[] = {{{string.Join(", ", values)}}};\n";
}
