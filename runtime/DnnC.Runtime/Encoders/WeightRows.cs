using DnnC.Runtime.Plan;

namespace DnnC.Runtime.Encoders;

/// <summary>
/// The weight operand of a conv or GEMM kernel seen as encoders see it: one row per output filter
/// (GEMM output column), each row running along the GEMM reduction dimension K, because 2:4 groups and
/// ternary scales are defined along K (REFERENCE.md §2, §4).
/// <list type="bullet">
/// <item>Conv weights [K, C/groups, R, S] become rows of length R·S·C/groups in (r, s, c) order, c innermost,
/// so that 2:4 groups run along input channels (REFERENCE.md §2); the plan stores them in (c, r, s) order.</item>
/// <item>GEMM weights B: stored [N, K] (BTransposed) they already are rows; stored [K, N] they are transposed.
/// A B that varies over the batch contributes Batch × N rows, batch-major.</item>
/// </list>
/// </summary>
public static class WeightRows
{
    public static (int Rows, int K) Shape(KernelSpec spec) => spec switch
    {
        ConvSpec c => (c.K, c.GemmK),
        GemmSpec g => (BatchesOfB(g) * g.N, g.K),
        _ => throw new ArgumentException($"a {spec.Template} kernel has no encodable weight operand"),
    };

    /// <summary>The stored (plan layout) weights as encoder rows.</summary>
    public static float[] ToRows(KernelSpec spec, ReadOnlySpan<float> stored)
    {
        var (rows, k) = Shape(spec);
        CheckLength(stored.Length, rows, k);
        var result = new float[(long)rows * k];
        switch (spec)
        {
            case ConvSpec c:
                for (int row = 0; row < rows; row++)
                    for (int ci = 0; ci < c.C / c.Groups; ci++)
                        for (int tap = 0; tap < c.R * c.S; tap++)
                            result[(long)row * k + tap * (c.C / c.Groups) + ci] = stored[row * k + ci * c.R * c.S + tap];
                break;
            case GemmSpec { BTransposed: true }:
                stored.CopyTo(result);
                break;
            case GemmSpec g:
                for (int b = 0; b < BatchesOfB(g); b++)
                    for (int kk = 0; kk < g.K; kk++)
                        for (int n = 0; n < g.N; n++)
                            result[((long)b * g.N + n) * g.K + kk] = stored[(b * g.K + kk) * g.N + n];
                break;
        }
        return result;
    }

    /// <summary>Encoder rows back in the plan's layout: the inverse of <see cref="ToRows"/>.</summary>
    public static float[] FromRows(KernelSpec spec, ReadOnlySpan<float> rowsData)
    {
        var (rows, k) = Shape(spec);
        CheckLength(rowsData.Length, rows, k);
        var result = new float[(long)rows * k];
        switch (spec)
        {
            case ConvSpec c:
                for (int row = 0; row < rows; row++)
                    for (int ci = 0; ci < c.C / c.Groups; ci++)
                        for (int tap = 0; tap < c.R * c.S; tap++)
                            result[(long)row * k + ci * c.R * c.S + tap] = rowsData[row * k + tap * (c.C / c.Groups) + ci];
                break;
            case GemmSpec { BTransposed: true }:
                rowsData.CopyTo(result);
                break;
            case GemmSpec g:
                for (int b = 0; b < BatchesOfB(g); b++)
                    for (int kk = 0; kk < g.K; kk++)
                        for (int n = 0; n < g.N; n++)
                            result[((long)b * g.K + kk) * g.N + n] = rowsData[(b * g.N + n) * g.K + kk];
                break;
        }
        return result;
    }

    private static int BatchesOfB(GemmSpec g) => g.BatchStrideB == 0 ? 1 : g.Batch;

    private static void CheckLength(int length, int rows, int k)
    {
        if (length != (long)rows * k)
            throw new ArgumentException($"the weight operand holds {length} values, not {rows} rows × {k}");
    }
}
