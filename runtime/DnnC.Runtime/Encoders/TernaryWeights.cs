namespace DnnC.Runtime.Encoders;

/// <summary>
/// Ternary weights after Ternary Weight Networks (REFERENCE.md §4). Rows are <see cref="WeightRows"/> rows,
/// one per output filter, each with its own threshold and scale:
/// <list type="bullet">
/// <item>Δ = 0.7 · mean |W| over the row; code +1 where w &gt; Δ, −1 where w &lt; −Δ, 0 otherwise;</item>
/// <item>α (<see cref="Scales"/>) = mean |w| over the kept (non-zero-code) weights, 0 when none is kept;</item>
/// <item>the weight the kernel computes with is code · α, applied as additions and subtractions of
/// activations and one multiply by α per output.</item>
/// </list>
/// <see cref="Codes"/>: Rows × ceil(K/16) uint32 words, 16 two-bit codes per word, code k of a row in bits
/// 2·(k % 16) and 2·(k % 16)+1 of word k / 16 (code 0 in the lowest bits). A code is the two's complement of its
/// value: 0b00 = 0, 0b01 = +1, 0b11 = −1; 0b10 is never written. Padding codes past K are 0.
/// </summary>
public sealed record TernaryWeights(int Rows, int K, EquatableArray<uint> Codes, EquatableArray<float> Scales)
{
    public const double ThresholdFactor = 0.7;
    public const int CodesPerWord = 16;

    public int WordsPerRow => (K + CodesPerWord - 1) / CodesPerWord;

    public static TernaryWeights Quantize(ReadOnlySpan<float> rows, int rowCount, int k)
    {
        if (rows.Length != (long)rowCount * k) throw new ArgumentException($"{rows.Length} values are not {rowCount} rows × {k}");
        int words = (k + CodesPerWord - 1) / CodesPerWord;
        var codes = new uint[(long)rowCount * words];
        var scales = new float[rowCount];
        for (int row = 0; row < rowCount; row++)
        {
            var w = rows.Slice(row * k, k);
            double sum = 0;
            foreach (float v in w) sum += Math.Abs((double)v);
            double delta = k == 0 ? 0 : ThresholdFactor * sum / k;
            double kept = 0;
            int count = 0;
            for (int i = 0; i < k; i++)
            {
                int code = w[i] > delta ? 1 : w[i] < -delta ? -1 : 0;
                if (code == 0) continue;
                kept += Math.Abs((double)w[i]);
                count++;
                codes[(long)row * words + i / CodesPerWord] |= (uint)(code & 3) << 2 * (i % CodesPerWord);
            }
            scales[row] = count == 0 ? 0f : (float)(kept / count);
        }
        return new TernaryWeights(rowCount, k, codes, scales);
    }

    /// <summary>Code <paramref name="k"/> of <paramref name="row"/>: −1, 0 or +1, read from its two bits.</summary>
    public int Code(int row, int k)
    {
        uint bits = Codes[row * WordsPerRow + k / CodesPerWord] >> 2 * (k % CodesPerWord) & 3;
        return bits switch
        {
            0 => 0,
            1 => 1,
            3 => -1,
            _ => throw new InvalidDataException($"ternary code 0b10 at row {row}, column {k}"),
        };
    }

    /// <summary>One row's codes as −1, 0, +1 (the kernel's additions and subtractions), without the scale.</summary>
    public void DecodeCodes(int row, Span<float> codes)
    {
        if (codes.Length < K) throw new ArgumentException($"the row needs {K} codes, the span holds {codes.Length}");
        for (int k = 0; k < K; k++) codes[k] = Code(row, k);
    }

    /// <summary>The quantized weights code · α as dense rows (Rows × K).</summary>
    public float[] ToDense()
    {
        var dense = new float[(long)Rows * K];
        for (int row = 0; row < Rows; row++)
            for (int k = 0; k < K; k++) dense[(long)row * K + k] = Code(row, k) * Scales[row];
        return dense;
    }
}
