namespace DnnC.Runtime.Encoders;

/// <summary>
/// 2:4-compressed weights as the sparse tensor cores read them (REFERENCE.md §2, the PTX ISA's "sparse
/// matrix storage"). Rows are <see cref="WeightRows"/> rows; along K every group of 4 consecutive weights
/// keeps its 2 of largest magnitude (the lower index wins a tie).
/// <list type="bullet">
/// <item>K is padded with zeros to <see cref="PaddedK"/>, a multiple of 16, so that every metadata word is full.</item>
/// <item><see cref="Values"/>: Rows × PaddedK/2, the kept values of group j at 2j and 2j+1, in ascending index order.
/// A group with fewer than 2 non-zeros stores an explicit zero (at its lowest free index).</item>
/// <item><see cref="Metadata"/>: Rows × PaddedK/16 16-bit words. Group j is nibble j % 4 of word j / 4, little-endian
/// (group 0 in bits 0-3); in a nibble, bits 0-1 hold the first kept index and bits 2-3 the second, idx0 &lt; idx1,
/// so the invalid nibbles 0x0, 0x5, 0xA and 0xF never occur. All groups keeping (0, 2) give 0x8888.</item>
/// </list>
/// </summary>
public sealed record Sparse24Weights(int Rows, int K, EquatableArray<float> Values, EquatableArray<ushort> Metadata)
{
    public int PaddedK => (K + 15) / 16 * 16;
    public int ValuesPerRow => PaddedK / 2;
    public int WordsPerRow => PaddedK / 16;

    /// <summary>The metadata nibble of a group that keeps indices <paramref name="first"/> &lt; <paramref name="second"/>.</summary>
    public static int Nibble(int first, int second)
    {
        if (first < 0 || second > 3 || first >= second)
            throw new ArgumentOutOfRangeException(nameof(first), $"2:4 indices must satisfy 0 ≤ idx0 < idx1 ≤ 3, not ({first}, {second})");
        return first | second << 2;
    }

    public static Sparse24Weights Compress(ReadOnlySpan<float> rows, int rowCount, int k)
    {
        if (rows.Length != (long)rowCount * k) throw new ArgumentException($"{rows.Length} values are not {rowCount} rows × {k}");
        int paddedK = (k + 15) / 16 * 16, groups = paddedK / 4;
        var values = new float[(long)rowCount * paddedK / 2];
        var metadata = new ushort[(long)rowCount * paddedK / 16];
        Span<float> group = stackalloc float[4];
        for (int row = 0; row < rowCount; row++)
        {
            var source = rows.Slice(row * k, k);
            for (int j = 0; j < groups; j++)
            {
                for (int i = 0; i < 4; i++) group[i] = 4 * j + i < k ? source[4 * j + i] : 0f;
                var (first, second) = LargestTwo(group);
                long at = (long)row * paddedK / 2 + 2 * j;
                values[at] = group[first];
                values[at + 1] = group[second];
                long word = (long)row * paddedK / 16 + j / 4;
                metadata[word] = (ushort)(metadata[word] | Nibble(first, second) << 4 * (j % 4));
            }
        }
        return new Sparse24Weights(rowCount, k, values, metadata);
    }

    /// <summary>Reads one row back the way the hardware does: each kept value lands at the index its nibble names.</summary>
    public void DecodeRow(int row, Span<float> dense)
    {
        if (dense.Length < K) throw new ArgumentException($"the row needs {K} values, the span holds {dense.Length}");
        var values = Values.AsImmutableArray().AsSpan().Slice(row * ValuesPerRow, ValuesPerRow);
        var words = Metadata.AsImmutableArray().AsSpan().Slice(row * WordsPerRow, WordsPerRow);
        dense[..K].Clear();
        for (int j = 0; j < PaddedK / 4; j++)
        {
            int nibble = words[j / 4] >> 4 * (j % 4) & 0xF;
            int first = nibble & 3, second = nibble >> 2;
            if (first >= second)
                throw new InvalidDataException($"2:4 metadata of row {row}, group {j} is the invalid nibble 0x{nibble:X}");
            Place(dense, 4 * j + first, values[2 * j]);
            Place(dense, 4 * j + second, values[2 * j + 1]);
        }
    }

    /// <summary>The pruned weights as dense rows (Rows × K).</summary>
    public float[] ToDense()
    {
        var dense = new float[(long)Rows * K];
        for (int row = 0; row < Rows; row++) DecodeRow(row, dense.AsSpan(row * K, K));
        return dense;
    }

    private void Place(Span<float> dense, int column, float value)
    {
        if (column < K) dense[column] = value;
        else if (value != 0) throw new InvalidDataException($"2:4 data keeps the non-zero {value} in padding column {column}");
    }

    /// <summary>The indices of the two largest magnitudes, ascending; ties go to the lower index.</summary>
    private static (int First, int Second) LargestTwo(ReadOnlySpan<float> group)
    {
        int best = 0;
        for (int i = 1; i < 4; i++) if (Math.Abs(group[i]) > Math.Abs(group[best])) best = i;
        int next = best == 0 ? 1 : 0;
        for (int i = next + 1; i < 4; i++) if (i != best && Math.Abs(group[i]) > Math.Abs(group[next])) next = i;
        return best < next ? (best, next) : (next, best);
    }
}
