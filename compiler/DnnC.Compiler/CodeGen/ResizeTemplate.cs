using System.Text;
using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Resize by tap tables, one thread per output element. Each resized axis looks its output
/// coordinate up in device-constant tables (lower tap, upper tap, upper weight) built on the host
/// in float64; identity axes read straight through. Nearest reads one element; linear blends the
/// 2^A corners of the resized axes. Tables live at namespace scope, named after the kernel.
/// </summary>
internal static class ResizeTemplate
{
    /// <summary>Linear blends 2^A corners; past this many resized axes the unrolled sum gets silly.</summary>
    private const int MaxLinearAxes = 6;

    public static LaunchConfig Launch(ResizeSpec s) => ElementwiseLaunch.For(Validate(s));

    private static long Validate(ResizeSpec s)
    {
        int rank = s.InputShape.Count;
        if (s.OutputShape.Count != rank) throw new ArgumentException($"resize of {s.InputShape} to {s.OutputShape} changes the rank");
        TileChecks.Positive("resize", [.. s.InputShape.Select(d => (long)d), .. s.OutputShape.Select(d => (long)d)]);
        int entries = s.OutputShape.Sum();
        if (s.Lower.Count != entries || s.Upper.Count != entries || s.UpperWeight.Count != entries)
            throw new ArgumentException($"resize tables need {entries} entries, one per output index of every axis");
        for (int d = 0; d < rank; d++)
            for (int o = 0, at = s.Offset(d); o < s.OutputShape[d]; o++, at++)
            {
                bool outside = s.Lower[at] == -1;
                if (!outside && (s.Lower[at] < 0 || s.Lower[at] >= s.InputShape[d] || s.Upper[at] < 0 || s.Upper[at] >= s.InputShape[d]))
                    throw new ArgumentException($"resize axis {d}: taps {s.Lower[at]}, {s.Upper[at]} leave [0, {s.InputShape[d]})");
            }
        if (s.Linear && s.ResizedAxes.Count() > MaxLinearAxes)
            throw new ArgumentException($"linear resize of more than {MaxLinearAxes} axes");
        return HostTensor.ElementCount(s.OutputShape);
    }

    public static string Emit(PlanKernel kernel, ResizeSpec s)
    {
        long total = Validate(s);
        string name = CudaText.CheckIdentifier(kernel.Name);
        var inStrides = Strides.Of(s.InputShape);
        var resized = s.ResizedAxes.ToList();
        var tables = new StringBuilder();
        var lookups = new StringBuilder();
        foreach (int d in resized)
        {
            int at = s.Offset(d), count = s.OutputShape[d];
            tables.Append(Table("int", $"{name}_lo{d}", s.Lower.Skip(at).Take(count).Select(v => CudaText.Int(v))));
            lookups.Append($"        const int lo{d} = {name}_lo{d}[c{d}];\n");
            if (!s.Linear) continue;
            tables.Append(Table("int", $"{name}_hi{d}", s.Upper.Skip(at).Take(count).Select(v => CudaText.Int(v))));
            tables.Append(Table("float", $"{name}_t{d}", s.UpperWeight.Skip(at).Take(count).Select(CudaText.Float)));
            lookups.Append($"        const int hi{d} = {name}_hi{d}[c{d}];\n");
            lookups.Append($"        const float t{d} = {name}_t{d}[c{d}];\n");
        }
        string header = KernelArgs.Header(kernel, ElementwiseLaunch.Threads, 2,
            $"{(s.Linear ? "linear" : "nearest")} resize {s.InputShape} -> {s.OutputShape}");
        var (coordinates, names) = Epilogue.Coordinates("i", s.OutputShape, "        ");

        string Offset(int mask)
        {
            var terms = new List<string>();
            for (int d = 0; d < names.Count; d++)
            {
                int bit = resized.IndexOf(d);
                string coordinate = bit < 0 ? names[d] : (mask >> bit & 1) == 1 ? $"hi{d}" : $"lo{d}";
                terms.Add($"(idx_t){coordinate} * {CudaText.Int(inStrides[d])}");
            }
            return terms.Count == 0 ? "0" : string.Join(" + ", terms);
        }

        var value = new StringBuilder();
        if (!s.Linear || resized.Count == 0) value.Append($"in0[{Offset(0)}]");
        else
            for (int mask = 0; mask < 1 << resized.Count; mask++)
            {
                var weights = resized.Select((d, bit) => (mask >> bit & 1) == 1 ? $"t{d}" : $"(1.0f - t{d})");
                value.Append(mask == 0 ? "" : "\n            + ").Append($"{string.Join(" * ", weights)} * in0[{Offset(mask)}]");
            }
        bool extrapolates = s.Lower.Contains(-1);
        string outside = string.Join(" || ", resized.Select(d => $"lo{d} < 0"));
        string store = extrapolates
            ? $"        out[i] = ({outside}) ? {CudaText.Float(s.Extrapolation)} : {value};\n"
            : $"        out[i] = {value};\n";
        return $$"""
            {{tables}}{{header}}{
                using idx_t = {{ElementwiseLaunch.IndexType(total, HostTensor.ElementCount(s.InputShape))}};
            {{ElementwiseLaunch.Loop(total)}}{{coordinates}}{{lookups}}{{store}}    }
            }

            """;
    }

    private static string Table(string type, string name, IEnumerable<string> values) =>
        $"static __device__ const {type} {name}[] = {{{string.Join(", ", values)}}};\n";
}
