using DnnC.Runtime.Encoders;

namespace DnnC.Runtime.Tests.Encoders;

/// <summary>2:4 compression against REFERENCE.md §2: pinned metadata words and invariants on seeded random matrices.</summary>
public sealed class Sparse24WeightsTests
{
    [Fact]
    public void Every_group_keeping_0_and_2_gives_the_metadata_word_0x8888()
    {
        // Large magnitudes at indices 0 and 2 of every group of 4, 16 columns: one full word.
        float[] row = [2, 0.1f, -3, 0.2f, -5, 1, 4, -1, 0.5f, 0, -0.6f, 0, 9, -8.5f, 9.5f, 0];
        var compressed = Sparse24Weights.Compress(row, 1, 16);
        Assert.Equal([(ushort)0x8888], compressed.Metadata);
        Assert.Equal([2, -3, -5, 4, 0.5f, -0.6f, 9, 9.5f], compressed.Values);
    }

    [Fact]
    public void Nibbles_hold_idx0_in_bits_0_1_and_idx1_in_bits_2_3_group_0_lowest()
    {
        // Groups keep (0,1), (1,3), (2,3), (1,2): nibbles 0x4, 0xD, 0xE, 0x9, little-endian in the word.
        float[] row = [5, 6, 0, 1, 0, 7, 1, -8, 1, 0, 3, 4, 0, -2, 2, 1];
        var compressed = Sparse24Weights.Compress(row, 1, 16);
        Assert.Equal([(ushort)0x9ED4], compressed.Metadata);
        Assert.Equal([5, 6, 7, -8, 3, 4, -2, 2], compressed.Values);
    }

    [Fact]
    public void Groups_with_fewer_than_two_non_zeros_store_an_explicit_zero_at_the_lowest_free_index()
    {
        // Groups: all zero → (0,1); only index 3 → (0,3); only index 0 → (0,1); only index 2 → (0,2).
        float[] row = [0, 0, 0, 0, 0, 0, 0, 7, -7, 0, 0, 0, 0, 0, 3, 0];
        var compressed = Sparse24Weights.Compress(row, 1, 16);
        Assert.Equal([(ushort)0x84C4], compressed.Metadata);
        Assert.Equal([0, 0, 0, 7, -7, 0, 0, 3], compressed.Values);
        Assert.Equal(row, compressed.ToDense());
    }

    [Fact]
    public void Random_matrices_decode_to_the_independently_pruned_weights_with_valid_ascending_nibbles()
    {
        var rng = new Random(2024);
        for (int trial = 0; trial < 300; trial++)
        {
            int rows = rng.Next(1, 6), k = rng.Next(1, 70);
            double zeroShare = rng.NextDouble() * 0.8;
            var dense = RandomMatrix(rng, rows * k, zeroShare);
            var compressed = Sparse24Weights.Compress(dense, rows, k);

            Assert.Equal(0, compressed.PaddedK % 16);
            Assert.Equal(rows * compressed.PaddedK / 2, compressed.Values.Count);
            Assert.Equal(rows * compressed.PaddedK / 16, compressed.Metadata.Count);
            foreach (ushort word in compressed.Metadata)
                for (int j = 0; j < 4; j++)
                {
                    int nibble = word >> 4 * j & 0xF;
                    Assert.DoesNotContain(nibble, new[] { 0x0, 0x5, 0xA, 0xF });
                    Assert.True((nibble & 3) < nibble >> 2, $"nibble 0x{nibble:X} is not ascending");
                }

            Assert.Equal(Prune(dense, rows, k), compressed.ToDense());
            // Compressing the pruned weights again gives the same blob: nothing more is lost.
            Assert.Equal(compressed, Sparse24Weights.Compress(compressed.ToDense(), rows, k));
        }
    }

    [Fact]
    public void A_decoder_meets_an_invalid_nibble_with_an_error_not_a_guess()
    {
        var blob = new Sparse24Weights(1, 16, new float[8], new ushort[] { 0x88A8 });
        var e = Assert.Throws<InvalidDataException>(() => blob.ToDense());
        Assert.Contains("0xA", e.Message);
    }

    /// <summary>The 2:4 rule computed directly: in every group of 4 along a row, zero all but the 2 largest magnitudes.</summary>
    private static float[] Prune(float[] dense, int rows, int k)
    {
        var pruned = (float[])dense.Clone();
        for (int row = 0; row < rows; row++)
            for (int g = 0; g < k; g += 4)
            {
                var order = Enumerable.Range(g, Math.Min(4, k - g)).OrderByDescending(i => Math.Abs(dense[row * k + i])).ThenBy(i => i).ToList();
                foreach (int i in order.Skip(2)) pruned[row * k + i] = 0;
            }
        return pruned;
    }

    internal static float[] RandomMatrix(Random rng, int count, double zeroShare) =>
        Enumerable.Range(0, count).Select(_ => rng.NextDouble() < zeroShare ? 0f : (float)(rng.NextDouble() * 4 - 2)).ToArray();
}
