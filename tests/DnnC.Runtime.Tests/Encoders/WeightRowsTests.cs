using DnnC.Runtime.Encoders;
using DnnC.Runtime.Plan;

namespace DnnC.Runtime.Tests.Encoders;

/// <summary>Encoder rows run along the GEMM reduction; for a conv in (r, s, c) order, c innermost (REFERENCE.md §2).</summary>
public sealed class WeightRowsTests
{
    private static readonly GemmTile Tile = new(64, 64, 16, 4, 4);

    private static ConvSpec Conv(int c, int k, int r, int s, int groups) =>
        new(1, c, 5, 5, k, r, s, 5 - r + 1, 5 - s + 1, 1, 1, 0, 0, 1, 1, groups, false, 0, [], [], ConvAlgorithm.ImplicitGemm, Tile);

    [Fact]
    public void Conv_filter_element_k_c_r_s_lands_at_row_k_column_r_s_c()
    {
        var spec = Conv(c: 6, k: 4, r: 3, s: 2, groups: 2); // 3 channels per group
        int cg = 3, rs = 6;
        var stored = Enumerable.Range(0, 4 * cg * rs).Select(i => (float)i).ToArray();
        var rows = WeightRows.ToRows(spec, stored);
        for (int k = 0; k < 4; k++)
            for (int c = 0; c < cg; c++)
                for (int r = 0; r < 3; r++)
                    for (int s = 0; s < 2; s++)
                        Assert.Equal(stored[((k * cg + c) * 3 + r) * 2 + s], rows[k * cg * rs + (r * 2 + s) * cg + c]);
        Assert.Equal(stored, WeightRows.FromRows(spec, rows));
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 0)]
    [InlineData(false, 35)]
    public void Gemm_b_becomes_one_row_per_output_column_and_back(bool transposed, long batchStrideB)
    {
        const int batch = 2, n = 5, k = 7;
        var spec = new GemmSpec(batch, 3, n, k, 21, batchStrideB, transposed, false, [], [], Tile);
        int batchesOfB = batchStrideB == 0 ? 1 : batch;
        var stored = Enumerable.Range(0, batchesOfB * n * k).Select(i => (float)i).ToArray();
        var rows = WeightRows.ToRows(spec, stored);
        Assert.Equal((batchesOfB * n, k), WeightRows.Shape(spec));
        for (int b = 0; b < batchesOfB; b++)
            for (int j = 0; j < n; j++)
                for (int kk = 0; kk < k; kk++)
                {
                    float expected = transposed ? stored[(b * n + j) * k + kk] : stored[(b * k + kk) * n + j];
                    Assert.Equal(expected, rows[(b * n + j) * k + kk]);
                }
        Assert.Equal(stored, WeightRows.FromRows(spec, rows));
    }
}
