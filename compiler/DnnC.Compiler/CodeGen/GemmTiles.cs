using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>Tile choice for GEMM-shaped kernels (implicit-GEMM conv and GEMM).</summary>
public static class GemmTiles
{
    /// <summary>Largest first; each runs 256, 256, 128 and 64 threads with 32 or 16 accumulators.</summary>
    public static readonly IReadOnlyList<GemmTile> Candidates =
    [
        new(128, 64, 8, 8, 4),
        new(64, 64, 8, 4, 4),
        new(64, 32, 8, 4, 4),
        new(32, 32, 8, 4, 4),
    ];

    /// <summary>
    /// The largest candidate whose grid still gives at least one block per SM (about one wave),
    /// since a bigger tile reuses each loaded element more but a grid smaller than the GPU leaves
    /// SMs idle. Falls back to the smallest tile. <paramref name="k"/> does not change the choice
    /// yet; every candidate reduces 8 at a time.
    /// </summary>
    public static GemmTile ChooseTile(long m, int n, int k, int smCount)
    {
        if (m <= 0 || n <= 0 || k <= 0 || smCount <= 0)
            throw new ArgumentException($"cannot choose a tile for m={m}, n={n}, k={k} on {smCount} SMs");
        foreach (var tile in Candidates)
        {
            long blocks = (m + tile.Mt - 1) / tile.Mt * ((n + tile.Nt - 1) / tile.Nt);
            if (blocks >= smCount) return tile;
        }
        return Candidates[^1];
    }
}
