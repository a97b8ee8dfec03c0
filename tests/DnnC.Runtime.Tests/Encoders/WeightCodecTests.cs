using DnnC.Runtime.Encoders;
using DnnC.Runtime.Numerics;
using DnnC.Runtime.Plan;

namespace DnnC.Runtime.Tests.Encoders;

/// <summary>
/// The weight blob's bytes: what <see cref="WeightCodec"/> writes is what it reads back, in the layout
/// <see cref="EncodedWeightShape"/> documents, at the size <see cref="PlanValue.Bytes"/> promises; damaged bytes
/// are refused, never read as other weights. Fresh seeded random weights, every encoding and storage format.
/// </summary>
public sealed class WeightCodecTests
{
    // A 3×3 conv, 24 input channels, 20 filters: K = 216, so 2:4 rows pad to 224 and ternary rows take 14 words.
    private static readonly ConvSpec Conv = new(1, 24, 8, 8, 20, 3, 3, 8, 8, 1, 1, 1, 1, 1, 1, 1, false, 0, [], [],
        ConvAlgorithm.ImplicitGemm, new GemmTile(32, 32, 8, 4, 4));

    private static float[] RandomWeights(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    private static PlanValue Weight(ElementFormat? format, WeightEncoding encoding) =>
        new(0, "w", ValueKind.Weight, [20, 24, 3, 3], WeightOffset: 0, WeightKey: "w", Format: format,
            Encoded: encoding == WeightEncoding.Dense ? null : new EncodedWeightShape(encoding, 20, 216));

    private static byte[] Encode(PlanValue value, float[] dense)
    {
        var bytes = new byte[value.Bytes];
        WeightCodec.Encode(value, Conv, dense, bytes);
        return bytes;
    }

    [Theory]
    [InlineData(null, 20 * 216 * 4)]
    [InlineData(ElementFormat.Float16, 20 * 216 * 2)]
    public void Dense_weights_take_their_elements_bytes_and_read_back_exactly_in_their_format(ElementFormat? format, long bytes)
    {
        var dense = RandomWeights(20 * 216, seed: 1);
        var value = Weight(format, WeightEncoding.Dense);
        Assert.Equal(bytes, value.Bytes);
        var decoded = WeightCodec.Decode(value, null, Encode(value, dense));
        Assert.Null(decoded.RowScales);
        Assert.Equal(format is null ? dense : dense.Select(v => (float)(Half)v).ToArray(), decoded.Values);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(ElementFormat.Float16)]
    public void Sparse24_bytes_hold_half_the_values_plus_metadata_and_decode_to_the_pruned_weights(ElementFormat? format)
    {
        var dense = RandomWeights(20 * 216, seed: 2);
        var value = Weight(format, WeightEncoding.Sparse24);
        int elementBytes = format is null ? 4 : 2;
        // 224 padded columns: 112 values and 14 metadata words per row; the metadata starts on a 16-byte boundary.
        long values = 20L * 112 * elementBytes;
        Assert.Equal((values + 15) / 16 * 16 + 20L * 14 * 2, value.Bytes);

        var decoded = WeightCodec.Decode(value, Conv, Encode(value, dense));
        var expectedRows = Sparse24Weights.Compress(WeightRows.ToRows(Conv, dense), 20, 216).ToDense();
        if (format is not null) expectedRows = expectedRows.Select(v => (float)(Half)v).ToArray();
        Assert.Equal(WeightRows.FromRows(Conv, expectedRows), decoded.Values);
        Assert.Null(decoded.RowScales);
    }

    [Fact]
    public void Ternary_bytes_hold_two_bits_a_weight_and_a_scale_a_filter_and_decode_to_codes_and_scales()
    {
        var dense = RandomWeights(20 * 216, seed: 3);
        var value = Weight(null, WeightEncoding.Ternary);
        Assert.Equal(20L * 14 * 4 + 20 * 4, value.Bytes);
        var decoded = WeightCodec.Decode(value, Conv, Encode(value, dense));
        var expected = TernaryWeights.Quantize(WeightRows.ToRows(Conv, dense), 20, 216);
        Assert.Equal(expected.Scales, decoded.RowScales!);
        var codes = WeightRows.ToRows(Conv, decoded.Values);
        for (int row = 0; row < 20; row++)
            for (int k = 0; k < 216; k++)
                Assert.Equal(expected.Code(row, k), codes[row * 216 + k]);
        Assert.Contains(-1f, codes);
        Assert.Contains(0f, codes);
        Assert.Contains(1f, codes);
    }

    [Fact]
    public void A_damaged_metadata_nibble_or_ternary_code_is_refused()
    {
        var dense = RandomWeights(20 * 216, seed: 4);
        var sparse = Weight(null, WeightEncoding.Sparse24);
        var bytes = Encode(sparse, dense);
        long metadata = sparse.Encoded!.MetadataOffset(4);
        bytes[metadata] &= 0xF0;   // nibble 0x0: idx0 = idx1 = 0, which no encoder writes
        Assert.Throws<InvalidDataException>(() => WeightCodec.Decode(sparse, Conv, bytes));

        var ternary = Weight(null, WeightEncoding.Ternary);
        var codes = Encode(ternary, dense);
        codes[0] = (byte)(codes[0] & ~3 | 2);   // 0b10 is never written
        Assert.Throws<InvalidDataException>(() => WeightCodec.Decode(ternary, Conv, codes));
    }

    [Fact]
    public void Bytes_of_the_wrong_length_or_rows_that_do_not_match_the_kernel_are_refused()
    {
        var value = Weight(null, WeightEncoding.Sparse24);
        var bytes = Encode(value, RandomWeights(20 * 216, seed: 5));
        Assert.Throws<InvalidDataException>(() => WeightCodec.Decode(value, Conv, bytes.AsSpan(1)));
        var otherConv = Conv with { K = 10, C = 48 };
        Assert.Throws<InvalidDataException>(() => WeightCodec.Decode(value, otherConv, bytes));
        Assert.Throws<ArgumentException>(() => WeightCodec.Decode(value, null, bytes));
    }
}
