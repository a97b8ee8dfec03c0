using System.Runtime.CompilerServices;

namespace DnnC.Simulator.Execution;

/// <summary>
/// Conv weights packed once into the GEMM's A-strip layout ([group][strip of MR rows][k][row]) and
/// cached for as long as the weight array lives: weights never change between runs, so the packing
/// cost is paid on the first run only.
/// </summary>
internal static class WeightPanels
{
    private sealed record Packed(int Groups, int RowsPerGroup, int K, int Offset, float[] Data);

    private static readonly ConditionalWeakTable<float[], Packed> Cache = new();

    public static float[] Get(TensorRef weights, int groups, int rowsPerGroup, int k)
    {
        if (!weights.Constant) return Pack(weights, groups, rowsPerGroup, k);
        if (Cache.TryGetValue(weights.Data, out var hit) &&
            hit.Groups == groups && hit.RowsPerGroup == rowsPerGroup && hit.K == k && hit.Offset == weights.Offset)
            return hit.Data;
        var packed = Pack(weights, groups, rowsPerGroup, k);
        Cache.AddOrUpdate(weights.Data, new Packed(groups, rowsPerGroup, k, weights.Offset, packed));
        return packed;
    }

    private static float[] Pack(TensorRef weights, int groups, int rowsPerGroup, int k)
    {
        const int mr = PackedGemm.MR;
        int strips = PackedGemm.CeilDiv(rowsPerGroup, mr);
        var packed = new float[(long)groups * strips * k * mr];
        for (int g = 0; g < groups; g++)
            for (int strip = 0; strip < strips; strip++)
            {
                long stripStart = (long)(g * strips + strip) * k * mr;
                for (int r = 0; r < mr; r++)
                {
                    int row = strip * mr + r;
                    if (row >= rowsPerGroup) continue;
                    var source = weights.Slice((long)(g * rowsPerGroup + row) * k, k);
                    for (int kk = 0; kk < k; kk++) packed[stripStart + (long)kk * mr + r] = source[kk];
                }
            }
        return packed;
    }
}
