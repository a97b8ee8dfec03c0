namespace DnnC.Runtime.Targets;

/// <summary>
/// What DnnC knows about a GPU offline (REFERENCE.md §1, vendor datasheets): the compiler sizes
/// tiles and waves from it, the simulator's GPU presets take their SM count, clock and memory
/// bandwidth from it, and the CLI and the DSL accept its names. One table, in the runtime, which
/// every other project sees. At run time the runtime reads the real device.
/// </summary>
/// <param name="ClockMhz">Boost clock; null for the representative of a bare architecture.</param>
/// <param name="DramBandwidthGBs">Memory bandwidth; null for the representative of a bare architecture.</param>
public sealed record GpuTarget(
    string Name,
    string Arch,
    int SmCount,
    int RegistersPerSm,
    int MaxThreadsPerSm,
    int MaxBlocksPerSm,
    int SharedBytesPerSm,
    double? ClockMhz = null,
    double? DramBandwidthGBs = null)
{
    public static readonly GpuTarget A100 = new("a100", "sm_80", 108, 65536, 2048, 32, 164 * 1024, 1410, 2039);
    public static readonly GpuTarget H100 = new("h100", "sm_90", 132, 65536, 2048, 32, 228 * 1024, 1755, 3350);
    public static readonly GpuTarget H200 = new("h200", "sm_90", 132, 65536, 2048, 32, 228 * 1024, 1755, 4800);
    public static readonly GpuTarget L4 = new("l4", "sm_89", 58, 65536, 1536, 24, 100 * 1024, 2040, 300);
    public static readonly GpuTarget Rtx4090 = new("rtx4090", "sm_89", 128, 65536, 1536, 24, 100 * 1024, 2520, 1008);

    public static IReadOnlyList<GpuTarget> Known { get; } = [A100, H100, H200, L4, Rtx4090];

    /// <summary>Architectures NVRTC 11.8 can compile cubins for.</summary>
    public static IReadOnlyList<string> SupportedArchs { get; } = ["sm_80", "sm_86", "sm_87", "sm_89", "sm_90"];

    /// <summary>Resolves a CLI or DSL target word (a GPU name or a literal sm_XX) to an architecture.</summary>
    public static string? ArchOf(string word)
    {
        word = word.Trim().ToLowerInvariant();
        var gpu = Known.FirstOrDefault(t => t.Name == word);
        if (gpu is not null) return gpu.Arch;
        return SupportedArchs.Contains(word) ? word : null;
    }

    /// <summary>The representative GPU used to size tiles for an architecture.</summary>
    public static GpuTarget ForArch(string arch) => arch switch
    {
        "sm_80" => A100,
        "sm_86" or "sm_87" => new("sm_86", arch, 84, 65536, 1536, 16, 100 * 1024),
        "sm_89" => L4,
        _ => H100,
    };
}
