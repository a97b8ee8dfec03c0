using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace DnnC.Runtime.Numerics;

/// <summary>
/// Tensor elements as kernels store them, float32 (format null) or FP16, little-endian: the one conversion between
/// those bytes and floats, used for the weight blob, the arena the emulator and the CUDA runtime read outputs from.
/// </summary>
public static class StoredElements
{
    public static void FromFloats(ElementFormat? format, ReadOnlySpan<float> values, Span<byte> destination)
    {
        switch (format)
        {
            case null:
                if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("stored tensors are little-endian");
                MemoryMarshal.AsBytes(values).CopyTo(destination);
                return;
            case ElementFormat.Float16:
                for (int i = 0; i < values.Length; i++)
                    BinaryPrimitives.WriteUInt16LittleEndian(destination[(2 * i)..], BitConverter.HalfToUInt16Bits((Half)values[i]));
                return;
            default:
                throw new NotSupportedException($"tensors are stored as float32 or float16, not {ElementFormats.Name(format.Value)}");
        }
    }

    public static float[] ToFloats(ElementFormat? format, ReadOnlySpan<byte> stored, int count)
    {
        var values = new float[count];
        switch (format)
        {
            case null:
                MemoryMarshal.Cast<byte, float>(stored[..(4 * count)]).CopyTo(values);
                return values;
            case ElementFormat.Float16:
                for (int i = 0; i < count; i++) values[i] = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(stored[(2 * i)..]));
                return values;
            default:
                throw new NotSupportedException($"tensors are stored as float32 or float16, not {ElementFormats.Name(format.Value)}");
        }
    }

    /// <summary>All of <paramref name="stored"/> as elements of <paramref name="format"/>.</summary>
    public static float[] ToFloats(ElementFormat? format, ReadOnlySpan<byte> stored) =>
        ToFloats(format, stored, stored.Length / (format is { } f ? ElementCodec.StorageBits(f) / 8 : sizeof(float)));
}
