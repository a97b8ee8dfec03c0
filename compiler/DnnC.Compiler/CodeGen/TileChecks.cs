using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>Shared validation of specs before their numbers are baked into source.</summary>
internal static class TileChecks
{
    public const int MaxGridY = 65535, MaxGridZ = 65535;

    public static void Check(GemmTile tile)
    {
        if (tile.Mt <= 0 || tile.Nt <= 0 || tile.Kt <= 0 || tile.ThreadM <= 0 || tile.ThreadN <= 0)
            throw new ArgumentException($"tile {tile} has a non-positive size");
        if (tile.Mt % tile.ThreadM != 0 || tile.Nt % tile.ThreadN != 0)
            throw new ArgumentException($"tile {tile} is not divisible by its thread tile {tile.ThreadM}x{tile.ThreadN}");
        if (tile.Threads > 1024)
            throw new ArgumentException($"tile {tile} needs {tile.Threads} threads per block; the limit is 1024");
        long sharedBytes = (long)tile.Kt * (tile.Mt + tile.Nt) * sizeof(float);
        if (sharedBytes > 48 * 1024)
            throw new ArgumentException($"tile {tile} needs {sharedBytes} bytes of static shared memory; the limit is 49152");
    }

    public static void Positive(string what, params long[] values)
    {
        if (values.Any(v => v <= 0)) throw new ArgumentException($"{what} has a non-positive dimension");
    }

    public static int Blocks(long count, long per, string what)
    {
        long blocks = (count + per - 1) / per;
        if (blocks > int.MaxValue) throw new ArgumentException($"{what} needs {blocks} blocks, more than a grid holds");
        return (int)blocks;
    }

    public static void GridLimits(LaunchConfig launch, string what)
    {
        if (launch.GridY > MaxGridY || launch.GridZ > MaxGridZ)
            throw new ArgumentException($"{what}: grid {launch.GridX}x{launch.GridY}x{launch.GridZ} exceeds the y/z limit of 65535");
    }
}
