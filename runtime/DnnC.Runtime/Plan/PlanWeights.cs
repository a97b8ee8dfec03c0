namespace DnnC.Runtime.Plan;

/// <summary>
/// The weight blob of a plan: every weight value's bytes at its <see cref="PlanValue.WeightOffset"/>, in
/// its element format and encoding, exactly as the GPU receives them and the simulator reads them. A blob
/// built from a model is deferred: its bytes are encoded the first time something reads them, once, so a
/// build that never writes or runs the weights never encodes them.
/// </summary>
public sealed class PlanWeights
{
    private readonly Lazy<byte[]> _bytes;

    private PlanWeights(long length, Lazy<byte[]> bytes)
    {
        Length = length;
        _bytes = bytes;
    }

    /// <summary>Bytes in the blob: the plan's <see cref="KernelPlan.WeightBytes"/>.</summary>
    public long Length { get; }

    /// <summary>The blob. Must not be changed: plans, runs and package writers share it.</summary>
    public byte[] Bytes => _bytes.Value;

    public bool IsMaterialized => _bytes.IsValueCreated;

    /// <summary>A blob read back from a build package, already checked against its content hash.</summary>
    public static PlanWeights FromBytes(byte[] bytes) => new(bytes.Length, new Lazy<byte[]>(bytes));

    /// <summary>A blob of <paramref name="length"/> bytes that <paramref name="encode"/> fills on first read (thread-safe, once).</summary>
    public static PlanWeights Deferred(long length, Func<byte[]> encode)
    {
        if (length > Array.MaxLength)
            throw new NotSupportedException($"the weights take {length} bytes; a weight blob holds at most {Array.MaxLength}");
        return new PlanWeights(length, new Lazy<byte[]>(() =>
        {
            var bytes = encode();
            if (bytes.Length != length) throw new InvalidOperationException($"the weight blob was encoded as {bytes.Length} bytes, not {length}");
            return bytes;
        }));
    }

    /// <summary>The bytes of one weight value (its storage, not an alias).</summary>
    public ReadOnlySpan<byte> Of(PlanValue value)
    {
        if (value.Kind != ValueKind.Weight || value.WeightOffset < 0)
            throw new ArgumentException($"value '{value.Name}' is not placed in the weight blob");
        if (value.WeightOffset + value.Bytes > Length)
            throw new InvalidDataException($"weight '{value.Name}' ends at byte {value.WeightOffset + value.Bytes}, past the blob's {Length}");
        return Bytes.AsSpan(checked((int)value.WeightOffset), checked((int)value.Bytes));
    }
}
