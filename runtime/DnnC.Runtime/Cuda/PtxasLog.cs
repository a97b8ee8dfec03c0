using System.Globalization;
using System.Text.RegularExpressions;

namespace DnnC.Runtime.Cuda;

/// <summary>What ptxas -v reports about one compiled entry function.</summary>
public sealed record PtxasKernelInfo(
    string Kernel, string Arch, int Registers, int SharedBytes,
    int SpillStoreBytes, int SpillLoadBytes, int StackBytes);

/// <summary>
/// Reads the "ptxas info" lines NVRTC appends to the program log under --ptxas-options=-v:
/// "Compiling entry function 'k' for 'sm_80'", then the stack/spill line, then "Used N registers,
/// S bytes smem, ...". Fields a line omits (sm_90 prints no smem when there is none) stay zero.
/// </summary>
public static partial class PtxasLog
{
    [GeneratedRegex(@"Compiling entry function '(?<kernel>[^']+)' for '(?<arch>[^']+)'")]
    private static partial Regex EntryLine();

    [GeneratedRegex(@"(?<stack>\d+) bytes stack frame, (?<stores>\d+) bytes spill stores, (?<loads>\d+) bytes spill loads")]
    private static partial Regex SpillLine();

    [GeneratedRegex(@"Used (?<regs>\d+) registers")]
    private static partial Regex RegisterLine();

    [GeneratedRegex(@"(?<smem>\d+) bytes smem")]
    private static partial Regex SharedField();

    public static IReadOnlyList<PtxasKernelInfo> Parse(string log)
    {
        var kernels = new List<PtxasKernelInfo>();
        PtxasKernelInfo? current = null;
        foreach (string line in log.Split('\n'))
        {
            if (EntryLine().Match(line) is { Success: true } entry)
            {
                if (current is not null) kernels.Add(current);
                current = new PtxasKernelInfo(entry.Groups["kernel"].Value, entry.Groups["arch"].Value, 0, 0, 0, 0, 0);
            }
            else if (current is not null && SpillLine().Match(line) is { Success: true } spill)
            {
                current = current with
                {
                    StackBytes = Int(spill, "stack"),
                    SpillStoreBytes = Int(spill, "stores"),
                    SpillLoadBytes = Int(spill, "loads"),
                };
            }
            else if (current is not null && RegisterLine().Match(line) is { Success: true } used)
            {
                var smem = SharedField().Match(line);
                current = current with
                {
                    Registers = Int(used, "regs"),
                    SharedBytes = smem.Success ? Int(smem, "smem") : 0,
                };
            }
        }
        if (current is not null) kernels.Add(current);
        return kernels;
    }

    private static int Int(Match m, string group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);
}
