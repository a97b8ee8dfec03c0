using DnnC.Runtime.Encoders;

namespace DnnC.Runtime.Plan;

/// <summary>
/// How an encoded weight value lies in the weight blob: <see cref="Rows"/> encoder rows (one per output
/// filter, <see cref="WeightRows"/>) of <see cref="K"/> weights each, in <see cref="Encoding"/>. The parts, at
/// offsets from the value's <see cref="PlanValue.WeightOffset"/>, all little-endian:
/// <list type="bullet">
/// <item><see cref="WeightEncoding.Dense"/>: every weight, Rows × PaddedK elements of the value's format, zero beyond K:
/// the row layout of a tensor-core kernel's filters ((r, s, c) with c innermost for a conv), padded so that every
/// 16-byte chunk of a row lies inside it.</item>
/// <item><see cref="WeightEncoding.Sparse24"/>: the kept values, Rows × PaddedK/2 elements of the value's
/// format (float32 or FP16), then at <see cref="MetadataOffset"/> the metadata, Rows × PaddedK/16 uint16 words
/// (<see cref="Sparse24Weights"/> gives the nibble order).</item>
/// <item><see cref="WeightEncoding.Ternary"/>: the codes, Rows × ceil(K/16) uint32 words, then at
/// <see cref="ScalesOffset"/> one float32 scale per row (<see cref="TernaryWeights"/>).</item>
/// </list>
/// </summary>
public sealed record EncodedWeightShape(WeightEncoding Encoding, int Rows, int K)
{
    /// <summary>Parts start on 16-byte boundaries, so that a kernel can load each with 128-bit loads.</summary>
    public const int PartAlignment = 16;

    public int PaddedK => (K + 15) / 16 * 16;

    /// <summary>Bytes of the first part: kept values (2:4) or codes (ternary).</summary>
    public long FirstPartBytes(int elementBytes) => Encoding switch
    {
        WeightEncoding.Dense => (long)Rows * PaddedK * elementBytes,
        WeightEncoding.Sparse24 => (long)Rows * (PaddedK / 2) * elementBytes,
        WeightEncoding.Ternary => (long)Rows * ((K + TernaryWeights.CodesPerWord - 1) / TernaryWeights.CodesPerWord) * sizeof(uint),
        _ => throw new InvalidOperationException($"{Encoding} weights are not encoded"),
    };

    public long MetadataOffset(int elementBytes) => Align(FirstPartBytes(elementBytes));

    public long ScalesOffset => Align(FirstPartBytes(sizeof(float)));

    public long Bytes(int elementBytes) => Encoding switch
    {
        WeightEncoding.Dense => FirstPartBytes(elementBytes),
        WeightEncoding.Sparse24 => MetadataOffset(elementBytes) + (long)Rows * (PaddedK / 16) * sizeof(ushort),
        WeightEncoding.Ternary => ScalesOffset + (long)Rows * sizeof(float),
        _ => throw new InvalidOperationException($"{Encoding} weights are not encoded"),
    };

    private static long Align(long bytes) => (bytes + PartAlignment - 1) / PartAlignment * PartAlignment;
}
