using System.Globalization;
using System.Text.RegularExpressions;

namespace DnnC.Runtime.Cuda;

/// <summary>
/// Maps NVRTC error lines ("prog.cu(123): error: ...") back to the __global__ kernels of the
/// source. A kernel owns the lines from its signature up to the next kernel's signature.
/// </summary>
public static partial class NvrtcErrorLocator
{
    [GeneratedRegex(@"^.*?\((?<line>\d+)\): (?:catastrophic )?error", RegexOptions.Multiline)]
    private static partial Regex ErrorLine();

    [GeneratedRegex(@"__global__\s+void\s+(?:__launch_bounds__\s*\([^)]*\)\s*)?(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*\(")]
    private static partial Regex KernelSignature();

    public static IReadOnlyList<string> KernelsWithErrors(string source, string log)
    {
        var starts = KernelStarts(source);
        var names = new List<string>();
        foreach (Match error in ErrorLine().Matches(log))
        {
            int line = int.Parse(error.Groups["line"].Value, CultureInfo.InvariantCulture);
            string? owner = null;
            foreach (var (startLine, name) in starts)
            {
                if (startLine > line) break;
                owner = name;
            }
            if (owner is not null && !names.Contains(owner)) names.Add(owner);
        }
        return names;
    }

    /// <summary>(1-based line of the signature, kernel name), in source order.</summary>
    private static List<(int Line, string Name)> KernelStarts(string source)
    {
        var starts = new List<(int, string)>();
        int line = 1, scanned = 0;
        foreach (Match m in KernelSignature().Matches(source))
        {
            line += source.AsSpan(scanned, m.Index - scanned).Count('\n');
            scanned = m.Index;
            starts.Add((line, m.Groups["name"].Value));
        }
        return starts;
    }
}
