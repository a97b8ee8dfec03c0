namespace DnnC.Runtime.Targets;

/// <summary>What one kernel occupies per thread block: its threads, the registers per thread and the shared memory
/// per block (static plus dynamic) that ptxas reports for the build.</summary>
public sealed record KernelResources(int ThreadsPerBlock, int RegistersPerThread, int SharedBytesPerBlock);

/// <summary>
/// How a launch fills a GPU (REFERENCE.md §1): <see cref="BlocksPerSm"/> resident blocks per SM and what limits them,
/// the wave W = SMs × blocks per SM, the grid's <see cref="Waves"/>, and <see cref="TailUtilisation"/>, the share of
/// the last wave's block slots the grid fills (1 when the grid is a whole number of waves). The last wave costs as
/// much as a full one, so <see cref="Efficiency"/> = G / (waves × W) is the share of paid-for slots doing work.
/// </summary>
public sealed record WaveFit(int BlocksPerSm, string Limit, long WaveBlocks, long Blocks, long Waves, double TailUtilisation)
{
    public double Efficiency => Blocks == 0 ? 0 : (double)Blocks / (Waves * WaveBlocks);

    /// <summary>Block slots the last wave leaves idle.</summary>
    public long IdleTailSlots => Waves * WaveBlocks - Blocks;
}

/// <summary>
/// CUDA's occupancy rules (the CUDA C Programming Guide's occupancy calculation, as cudaOccupancyMaxActiveBlocksPerMultiprocessor
/// applies them), from a target's per-SM limits: resident blocks per SM are the fewest that the block limit, the warp
/// limit, the register file and shared memory each allow. Registers are allocated per warp in units of 256; shared memory
/// per block in units of 128 bytes, plus the 1 KB the runtime reserves for each block on sm_80 and newer.
/// </summary>
public static class Occupancy
{
    public const int WarpSize = 32;
    public const int RegisterAllocationUnit = 256;
    public const int SharedAllocationUnit = 128;
    public const int SharedReservedPerBlock = 1024;

    public static (int Blocks, string Limit) BlocksPerSm(GpuTarget target, KernelResources kernel)
    {
        if (kernel.ThreadsPerBlock <= 0 || kernel.ThreadsPerBlock > 1024)
            throw new ArgumentOutOfRangeException(nameof(kernel), $"a block has 1 to 1024 threads, not {kernel.ThreadsPerBlock}");
        int warps = (kernel.ThreadsPerBlock + WarpSize - 1) / WarpSize;
        var limits = new List<(int Blocks, string Limit)>
        {
            (target.MaxBlocksPerSm, "blocks"),
            (target.MaxThreadsPerSm / WarpSize / warps, "threads"),
        };
        if (kernel.RegistersPerThread > 0)
        {
            int perWarp = RoundUp(kernel.RegistersPerThread * WarpSize, RegisterAllocationUnit);
            limits.Add((target.RegistersPerSm / perWarp / warps, "registers"));
        }
        int shared = RoundUp(kernel.SharedBytesPerBlock, SharedAllocationUnit) + SharedReservedPerBlock;
        limits.Add((target.SharedBytesPerSm / shared, "shared memory"));
        return limits.MinBy(l => l.Blocks);
    }

    /// <summary>How a grid of <paramref name="blocks"/> blocks of <paramref name="kernel"/> fills <paramref name="target"/>.</summary>
    public static WaveFit Fit(GpuTarget target, KernelResources kernel, long blocks)
    {
        var (perSm, limit) = BlocksPerSm(target, kernel);
        if (perSm == 0) return new WaveFit(0, limit, 0, blocks, 0, 0);
        long wave = (long)perSm * target.SmCount;
        long waves = (blocks + wave - 1) / wave;
        long tail = blocks - (waves - 1) * wave;
        return new WaveFit(perSm, limit, wave, blocks, waves, waves == 0 ? 0 : (double)tail / wave);
    }

    private static int RoundUp(int value, int unit) => (value + unit - 1) / unit * unit;
}
