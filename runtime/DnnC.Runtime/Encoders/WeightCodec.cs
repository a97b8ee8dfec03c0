using System.Buffers.Binary;
using System.Runtime.InteropServices;
using DnnC.Runtime.Numerics;
using DnnC.Runtime.Plan;

namespace DnnC.Runtime.Encoders;

/// <summary>A weight value read back from the blob: dense values in the plan's own layout, and for ternary
/// weights the per-row scale the kernel applies once per output (the values are then the codes −1, 0, +1).</summary>
public sealed record DecodedWeight(float[] Values, float[]? RowScales);

/// <summary>
/// The one translation between a weight's dense float32 values and its bytes in the weight blob, in
/// both directions: the build encodes (<see cref="WeightPacker"/>), the simulator decodes, and the CUDA
/// runtime uploads the bytes as they are. Dense weights are elements of the value's
/// <see cref="PlanValue.Format"/>; encoded ones follow <see cref="EncodedWeightShape"/>, with rows taken
/// from the consuming kernel's spec (<see cref="WeightRows"/>).
/// </summary>
public static class WeightCodec
{
    /// <summary>Writes <paramref name="dense"/> (plan layout) into <paramref name="destination"/>, which holds exactly <see cref="PlanValue.Bytes"/>.</summary>
    public static void Encode(PlanValue value, KernelSpec? consumer, ReadOnlySpan<float> dense, Span<byte> destination)
    {
        if (destination.Length != value.Bytes)
            throw new ArgumentException($"weight '{value.Name}' takes {value.Bytes} bytes, not {destination.Length}");
        if (value.Encoded is not { } shape)
        {
            EncodeElements(value.Format, dense, destination);
            return;
        }
        var spec = ConsumerOf(value, consumer);
        var rows = WeightRows.ToRows(spec, dense);
        CheckRows(value, shape, spec);
        switch (shape.Encoding)
        {
            case WeightEncoding.Dense:
            {
                // Rows padded with zeros to PaddedK, so that every 16-byte chunk a kernel copies lies inside the value.
                var padded = new float[(long)shape.Rows * shape.PaddedK];
                for (int row = 0; row < shape.Rows; row++)
                    rows.AsSpan(row * shape.K, shape.K).CopyTo(padded.AsSpan(row * shape.PaddedK));
                EncodeElements(value.Format, padded, destination);
                break;
            }
            case WeightEncoding.Sparse24:
            {
                var compressed = Sparse24Weights.Compress(rows, shape.Rows, shape.K);
                long metadata = shape.MetadataOffset(value.ElementBytes);
                EncodeElements(value.Format, compressed.Values.AsImmutableArray().AsSpan(), destination[..(int)shape.FirstPartBytes(value.ElementBytes)]);
                var words = compressed.Metadata.AsImmutableArray().AsSpan();
                for (int i = 0; i < words.Length; i++)
                    BinaryPrimitives.WriteUInt16LittleEndian(destination[(int)(metadata + 2L * i)..], words[i]);
                break;
            }
            case WeightEncoding.Ternary:
            {
                var ternary = TernaryWeights.Quantize(rows, shape.Rows, shape.K);
                var codes = ternary.Codes.AsImmutableArray().AsSpan();
                for (int i = 0; i < codes.Length; i++)
                    BinaryPrimitives.WriteUInt32LittleEndian(destination[(4 * i)..], codes[i]);
                EncodeElements(null, ternary.Scales.AsImmutableArray().AsSpan(), destination[(int)shape.ScalesOffset..]);
                break;
            }
            default:
                throw new ArgumentException($"weight '{value.Name}' has no encoder for {shape.Encoding}");
        }
    }

    /// <summary>Reads a weight value's bytes back the way its kernel does: 2:4 values placed through their metadata
    /// nibbles, ternary 2-bit codes unpacked to −1/0/+1 with the scales beside them.</summary>
    public static DecodedWeight Decode(PlanValue value, KernelSpec? consumer, ReadOnlySpan<byte> stored)
    {
        if (stored.Length != value.Bytes)
            throw new InvalidDataException($"weight '{value.Name}' takes {value.Bytes} bytes, but {stored.Length} are stored");
        if (value.Encoded is not { } shape)
            return new DecodedWeight(DecodeElements(value.Format, stored, checked((int)value.ElementCount)), null);
        var spec = ConsumerOf(value, consumer);
        CheckRows(value, shape, spec);
        var rows = new float[(long)shape.Rows * shape.K];
        float[]? scales = null;
        switch (shape.Encoding)
        {
            case WeightEncoding.Dense:
            {
                var padded = DecodeElements(value.Format, stored, shape.Rows * shape.PaddedK);
                for (int row = 0; row < shape.Rows; row++)
                {
                    if (padded.AsSpan(row * shape.PaddedK + shape.K, shape.PaddedK - shape.K).ContainsAnyExcept(0f))
                        throw new InvalidDataException($"weight '{value.Name}' has values in the padding of row {row}");
                    padded.AsSpan(row * shape.PaddedK, shape.K).CopyTo(rows.AsSpan(row * shape.K));
                }
                break;
            }
            case WeightEncoding.Sparse24:
            {
                int valuesPerRow = shape.PaddedK / 2, wordsPerRow = shape.PaddedK / 16;
                var values = DecodeElements(value.Format, stored[..(int)shape.FirstPartBytes(value.ElementBytes)], shape.Rows * valuesPerRow);
                var metadata = new ushort[shape.Rows * wordsPerRow];
                long at = shape.MetadataOffset(value.ElementBytes);
                for (int i = 0; i < metadata.Length; i++) metadata[i] = BinaryPrimitives.ReadUInt16LittleEndian(stored[(int)(at + 2L * i)..]);
                var compressed = new Sparse24Weights(shape.Rows, shape.K, values, metadata);
                for (int row = 0; row < shape.Rows; row++) compressed.DecodeRow(row, rows.AsSpan(row * shape.K, shape.K));
                break;
            }
            case WeightEncoding.Ternary:
            {
                int words = (shape.K + TernaryWeights.CodesPerWord - 1) / TernaryWeights.CodesPerWord;
                var codes = new uint[shape.Rows * words];
                for (int i = 0; i < codes.Length; i++) codes[i] = BinaryPrimitives.ReadUInt32LittleEndian(stored[(4 * i)..]);
                scales = DecodeElements(null, stored[(int)shape.ScalesOffset..], shape.Rows);
                var ternary = new TernaryWeights(shape.Rows, shape.K, codes, scales);
                for (int row = 0; row < shape.Rows; row++) ternary.DecodeCodes(row, rows.AsSpan(row * shape.K, shape.K));
                break;
            }
            default:
                throw new InvalidDataException($"weight '{value.Name}' has no decoder for {shape.Encoding}");
        }
        return new DecodedWeight(WeightRows.FromRows(spec, rows), scales);
    }

    private static KernelSpec ConsumerOf(PlanValue value, KernelSpec? consumer) =>
        consumer ?? throw new ArgumentException($"weight '{value.Name}' is {value.Encoded!.Encoding}-encoded, and its rows come from the kernel that reads it");

    private static void CheckRows(PlanValue value, EncodedWeightShape shape, KernelSpec spec)
    {
        if (WeightRows.Shape(spec) != (shape.Rows, shape.K))
            throw new InvalidDataException($"weight '{value.Name}' is encoded as {shape.Rows} rows × {shape.K}, but its kernel reads {WeightRows.Shape(spec)}");
    }

    private static void EncodeElements(ElementFormat? format, ReadOnlySpan<float> values, Span<byte> destination) =>
        StoredElements.FromFloats(format, values, destination);

    private static float[] DecodeElements(ElementFormat? format, ReadOnlySpan<byte> stored, int count) =>
        StoredElements.ToFloats(format, stored, count);
}
