using DnnC.Runtime.Plan;
using DnnC.Runtime.Targets;

namespace DnnC.Compiler.Lowering;

/// <summary>
/// What a kernel's code occupies on a target (registers per thread, shared memory per block), from whoever can
/// know it: ptxas, through the compile cache (<see cref="CodeGen.PtxasResourceOracle"/>), or a test's table. Null
/// when unknown.
/// </summary>
public interface IKernelResourceOracle
{
    KernelResources? Resources(KernelSpec spec, GpuTarget target);
}

/// <summary>
/// The lowering step that picks the block tile of GEMM-shaped kernels (implicit-GEMM conv, GEMM, conv-transpose)
/// for a target: the largest candidate whose grid still fills one wave of the GPU, since a bigger tile reuses each
/// loaded element more but a grid smaller than a wave leaves SMs idle. A wave is SMs × resident blocks per SM; with an
/// occupancy oracle the resident blocks come from the candidate's real registers and shared memory
/// (<see cref="Occupancy"/>), without one the step counts one block per SM. Falls back to the smallest tile.
/// </summary>
public static class TileSelection
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
    /// The tile for a GEMM of <paramref name="m"/> × <paramref name="n"/> (per group) reducing over <paramref name="k"/>
    /// on <paramref name="target"/>. <paramref name="specWith"/> gives the kernel spec with a candidate tile, for the
    /// oracle to compile; <paramref name="k"/> does not change the choice yet, since every candidate reduces 8 at a time.
    /// </summary>
    public static GemmTile Choose(long m, int n, int k, GpuTarget target, Func<GemmTile, KernelSpec>? specWith = null, IKernelResourceOracle? oracle = null)
    {
        if (m <= 0 || n <= 0 || k <= 0 || target.SmCount <= 0)
            throw new ArgumentException($"cannot choose a tile for m={m}, n={n}, k={k} on {target.SmCount} SMs");
        foreach (var tile in Candidates)
        {
            long blocks = (m + tile.Mt - 1) / tile.Mt * ((n + tile.Nt - 1) / tile.Nt);
            if (blocks >= WaveBlocks(tile, target, specWith, oracle)) return tile;
        }
        return Candidates[^1];
    }

    private static long WaveBlocks(GemmTile tile, GpuTarget target, Func<GemmTile, KernelSpec>? specWith, IKernelResourceOracle? oracle)
    {
        if (oracle is null || specWith is null || oracle.Resources(specWith(tile), target) is not { } resources) return target.SmCount;
        return Math.Max(1, Occupancy.Fit(target, resources, 1).WaveBlocks);
    }
}
