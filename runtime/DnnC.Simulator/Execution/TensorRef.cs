namespace DnnC.Simulator.Execution;

/// <summary>
/// Where a kernel argument lives: a float array (the arena or a weight) and an element offset into it.
/// <see cref="Constant"/> marks weights, whose contents never change, so derived layouts may be cached.
/// </summary>
internal readonly record struct TensorRef(float[] Data, int Offset, long Length, bool Constant = false)
{
    public Span<float> Span => Data.AsSpan(Offset, checked((int)Length));
    public ReadOnlySpan<float> Slice(long start, int length) => Data.AsSpan(checked((int)(Offset + start)), length);
    public Span<float> WritableSlice(long start, int length) => Data.AsSpan(checked((int)(Offset + start)), length);
    public float this[long index] => Data[Offset + index];
}
