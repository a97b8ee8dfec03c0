using DnnC.Runtime.Plan;
using DnnC.Runtime.Targets;

namespace DnnC.Compiler.Lowering;

/// <summary>A tensor-core tile and why it was chosen, for the build report.</summary>
public sealed record MmaTileChoice(MmaTile Tile, string Reason);

/// <summary>
/// The tile catalogue of the tensor-core conv and GEMM templates and the heuristic that picks from it per layer (the
/// lowering step beside <see cref="TileSelection"/>):
/// <list type="number">
/// <item>Drop tiles wider than the layer: an Nt beyond N rounded up to 32 (or an Mt beyond M rounded up to 32) computes
/// mostly padding.</item>
/// <item>Of the rest, take the largest whose grid fills one wave (SMs × resident blocks per SM, from the oracle's
/// registers and shared memory, else one block per SM): a bigger tile loads each operand element fewer times, but a grid
/// smaller than a wave leaves SMs idle.</item>
/// <item>If none fills a wave, take the smallest, which has the most blocks.</item>
/// </list>
/// Stages are fixed per tile: as many as fit 48 KB of static shared memory at the 80-byte row pitch, at most 4.
/// Every tile uses warp tiles of at least 16 × 16, so each ldmatrix.x4 feeds two or more mma instructions.
/// </summary>
public static class MmaTileSelection
{
    /// <summary>Largest first: 256, 128, 128, 128 and 128 threads.</summary>
    public static readonly IReadOnlyList<MmaTile> Catalogue =
    [
        new(128, 128, 64, 32, 2),
        new(128, 64, 64, 32, 3),
        new(64, 64, 32, 32, 4),
        new(64, 32, 32, 16, 4),
        new(32, 32, 16, 16, 4),
    ];

    public static MmaTileChoice Choose(long m, int n, GpuTarget target, Func<MmaTile, KernelSpec>? specWith = null, IKernelResourceOracle? oracle = null)
    {
        if (m <= 0 || n <= 0 || target.SmCount <= 0)
            throw new ArgumentException($"cannot choose a tensor-core tile for m={m}, n={n} on {target.SmCount} SMs");
        var fitting = Catalogue.Where(t => t.Nt <= RoundUp(n, 32) && t.Mt <= RoundUp(m, 32)).ToList();
        foreach (var tile in fitting)
        {
            long blocks = Blocks(m, n, tile);
            long wave = WaveBlocks(tile, target, specWith, oracle);
            if (blocks >= wave)
                return new MmaTileChoice(tile, $"largest tile no wider than the layer ({m}x{n}) whose {blocks} blocks fill a wave of {wave} on {target.Name}");
        }
        var smallest = fitting[^1];
        return new MmaTileChoice(smallest,
            $"no tile fills a wave of {WaveBlocks(smallest, target, specWith, oracle)} blocks on {target.Name} for {m}x{n}; the smallest gives the most ({Blocks(m, n, smallest)})");
    }

    private static long Blocks(long m, int n, MmaTile t) => (m + t.Mt - 1) / t.Mt * ((n + t.Nt - 1) / t.Nt);

    private static long RoundUp(long value, int unit) => (value + unit - 1) / unit * unit;

    private static long WaveBlocks(MmaTile tile, GpuTarget target, Func<MmaTile, KernelSpec>? specWith, IKernelResourceOracle? oracle)
    {
        if (oracle is null || specWith is null || oracle.Resources(specWith(tile), target) is not { } resources) return target.SmCount;
        return Math.Max(1, Occupancy.Fit(target, resources, 1).WaveBlocks);
    }
}
