using DnnC.Runtime.Encoders;

namespace DnnC.Runtime.Tests.Encoders;

/// <summary>The TWN quantizer of REFERENCE.md §4 and its 16-codes-per-word packing.</summary>
public sealed class TernaryWeightsTests
{
    [Fact]
    public void Codes_pack_two_bits_each_code_0_lowest_with_plus_one_01_and_minus_one_11()
    {
        // mean|W| = 4/17, Δ = 0.7·4/17 ≈ 0.165: codes +1, −1, 0, +1, then zeros, and −1 as code 16 (second word).
        var row = new float[17];
        row[0] = 1; row[1] = -1; row[2] = 0.1f; row[3] = 1; row[16] = -1;
        var ternary = TernaryWeights.Quantize(row, 1, 17);
        Assert.Equal([0b01_00_11_01u, 0b11u], ternary.Codes);
        Assert.Equal([1f], ternary.Scales);
        Assert.Equal([1, -1, 0, 1], Enumerable.Range(0, 4).Select(k => ternary.Code(0, k)));
    }

    [Fact]
    public void Random_filters_get_the_twn_threshold_codes_and_scale_computed_independently()
    {
        var rng = new Random(77);
        for (int trial = 0; trial < 200; trial++)
        {
            int rows = rng.Next(1, 6), k = rng.Next(1, 60);
            var dense = Sparse24WeightsTests.RandomMatrix(rng, rows * k, rng.NextDouble() * 0.5);
            var ternary = TernaryWeights.Quantize(dense, rows, k);
            Assert.Equal(rows * ((k + 15) / 16), ternary.Codes.Count);

            for (int row = 0; row < rows; row++)
            {
                var w = dense.Skip(row * k).Take(k).Select(v => (double)v).ToArray();
                double delta = 0.7 * w.Average(Math.Abs);
                var expected = w.Select(v => v > delta ? 1 : v < -delta ? -1 : 0).ToArray();
                Assert.Equal(expected, Enumerable.Range(0, k).Select(i => ternary.Code(row, i)));
                var kept = w.Where(v => Math.Abs(v) > delta).ToList();
                Assert.Equal(kept.Count == 0 ? 0f : (float)kept.Average(Math.Abs), ternary.Scales[row]);
            }
            // No 0b10 pattern anywhere, and the padding past K is all zero codes.
            for (int word = 0; word < ternary.Codes.Count; word++)
            {
                uint bits = ternary.Codes[word];
                for (int c = 0; c < 16; c++)
                {
                    Assert.NotEqual(2u, bits >> 2 * c & 3);
                    if (word % ternary.WordsPerRow * 16 + c >= k) Assert.Equal(0u, bits >> 2 * c & 3);
                }
            }
            var decoded = ternary.ToDense();
            for (int i = 0; i < decoded.Length; i++)
                Assert.Equal(ternary.Code(i / k, i % k) * ternary.Scales[i / k], decoded[i]);
        }
    }

    [Fact]
    public void An_all_zero_filter_keeps_nothing_and_has_scale_zero()
    {
        var ternary = TernaryWeights.Quantize(new float[20], 1, 20);
        Assert.All(ternary.Codes, w => Assert.Equal(0u, w));
        Assert.Equal([0f], ternary.Scales);
    }

    [Fact]
    public void The_reserved_code_0b10_is_refused_when_read()
    {
        var blob = new TernaryWeights(1, 4, new uint[] { 0b10_00_00_00 }, new float[] { 1 });
        Assert.Throws<InvalidDataException>(() => blob.ToDense());
    }
}
