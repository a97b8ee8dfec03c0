using DnnC.Compiler.Tensors;
using DnnC.Runtime.Numerics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace DnnC.Cli;

/// <summary>
/// <see cref="TypedTensor"/> to and from ORT tensors. Values convert exactly: an input value its element type cannot
/// hold is refused rather than rounded, so that the oracle never computes on something other than what it was given.
/// </summary>
internal static class OrtTensors
{
    public const string SupportedTypes = "it has FLOAT, DOUBLE, FLOAT16, BFLOAT16, INT8-64, UINT8-64 and BOOL";

    /// <summary>Refuses an input of a type ORT's C# API lacks before a session is opened, naming the type.</summary>
    public static void CheckTypes(IReadOnlyList<(string Name, TypedTensor Tensor)> inputs)
    {
        for (int i = 0; i < inputs.Count; i++) OrtType(inputs[i].Tensor.Type, inputs[i].Name.Length > 0 ? $"input '{inputs[i].Name}'" : $"input {i}");
    }

    public static OrtValue ToOrt(string name, TypedTensor tensor)
    {
        var type = OrtType(tensor.Type, $"input '{name}'");
        long count = 1;
        foreach (int d in tensor.Shape) count = d >= 0 ? checked(count * d) : throw new ArgumentException($"input '{name}' has a negative dimension in {tensor.ShapeText}");
        if (count != tensor.Count) throw new ArgumentException($"input '{name}': shape {tensor.ShapeText} holds {count} elements, not {tensor.Count}");
        if (FirstUnheld(tensor) is int bad and >= 0)
            throw new ArgumentException($"input '{name}': element {bad} ({tensor.Values[bad]}) is not a {ElementTypes.Name(tensor.Type)} value");
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, type, Array.ConvertAll(tensor.Shape, d => (long)d));
        var v = tensor.Values;
        switch (tensor.Type)
        {
            case ElementType.Float: Fill(value, v, x => (float)x); break;
            case ElementType.Double: Fill(value, v, x => x); break;
            case ElementType.Float16: Fill(value, v, x => new Float16(BitConverter.HalfToUInt16Bits((Half)x))); break;
            // A BFLOAT16 value is a float32 whose low 16 bits are zero (checked above), so the top half is exact.
            case ElementType.BFloat16: Fill(value, v, x => new BFloat16(double.IsNaN(x) ? (ushort)0x7FC0 : (ushort)(BitConverter.SingleToUInt32Bits((float)x) >> 16))); break;
            case ElementType.Int8: Fill(value, v, x => (sbyte)x); break;
            case ElementType.Int16: Fill(value, v, x => (short)x); break;
            case ElementType.Int32: Fill(value, v, x => (int)x); break;
            case ElementType.Int64: Fill(value, v, x => (long)x); break;
            case ElementType.UInt8: Fill(value, v, x => (byte)x); break;
            case ElementType.UInt16: Fill(value, v, x => (ushort)x); break;
            case ElementType.UInt32: Fill(value, v, x => (uint)x); break;
            case ElementType.UInt64: Fill(value, v, x => (ulong)x); break;
            case ElementType.Bool: Fill(value, v, x => x != 0); break;
        }
        return value;
    }

    public static TypedTensor FromOrt(string name, OrtValue value)
    {
        if (!value.IsTensor) throw new NotSupportedException($"output '{name}' is a {value.OnnxType}, not a tensor");
        var info = value.GetTensorTypeAndShape();
        var type = (ElementType)(int)info.ElementDataType;
        var shape = Array.ConvertAll(info.Shape, d => checked((int)d));
        double[] values = type switch
        {
            ElementType.Float => Read<float>(value, x => x),
            ElementType.Double => Read<double>(value, x => x),
            ElementType.Float16 => Read<Float16>(value, x => (double)BitConverter.UInt16BitsToHalf(x.value)),
            ElementType.BFloat16 => Read<BFloat16>(value, x => BitConverter.UInt32BitsToSingle((uint)x.value << 16)),
            ElementType.Int8 => Read<sbyte>(value, x => x),
            ElementType.Int16 => Read<short>(value, x => x),
            ElementType.Int32 => Read<int>(value, x => x),
            ElementType.Int64 => Read<long>(value, x => x),
            ElementType.UInt8 => Read<byte>(value, x => x),
            ElementType.UInt16 => Read<ushort>(value, x => x),
            ElementType.UInt32 => Read<uint>(value, x => x),
            ElementType.UInt64 => Read<ulong>(value, x => x),
            ElementType.Bool => Read<bool>(value, x => x ? 1 : 0),
            _ => throw Unsupported(type, $"output '{name}'"),
        };
        return new TypedTensor(type, shape, values);
    }

    private static TensorElementType OrtType(ElementType type, string what) => type switch
    {
        ElementType.Float or ElementType.Double or ElementType.Float16 or ElementType.BFloat16 or ElementType.Bool
            or ElementType.Int8 or ElementType.Int16 or ElementType.Int32 or ElementType.Int64
            or ElementType.UInt8 or ElementType.UInt16 or ElementType.UInt32 or ElementType.UInt64 => (TensorElementType)(int)type,
        _ => throw Unsupported(type, what),
    };

    private static NotSupportedException Unsupported(ElementType type, string what) =>
        new($"{what} has element type {ElementTypes.Name(type)}, which ONNX Runtime's C# API (Microsoft.ML.OnnxRuntime 1.31) has no tensors of; {SupportedTypes}");

    /// <summary>The first value the tensor's element type cannot hold exactly, or -1.</summary>
    private static int FirstUnheld(TypedTensor tensor)
    {
        var type = tensor.Type;
        // 2^63 and 2^64 are doubles that the 64-bit integers just miss, and Coerce clamps to them.
        double limit = type switch { ElementType.Int64 => 9223372036854775808.0, ElementType.UInt64 => 18446744073709551616.0, _ => double.NaN };
        for (int i = 0; i < tensor.Values.Length; i++)
        {
            double x = tensor.Values[i];
            bool held = double.IsNaN(x) ? ElementTypes.IsFloat(type) : ElementTypes.Coerce(type, x) == x && !(x >= limit);
            if (!held) return i;
        }
        return -1;
    }

    private static void Fill<T>(OrtValue value, double[] values, Func<double, T> convert) where T : unmanaged
    {
        var span = value.GetTensorMutableDataAsSpan<T>();
        for (int i = 0; i < span.Length; i++) span[i] = convert(values[i]);
    }

    private static double[] Read<T>(OrtValue value, Func<T, double> convert) where T : unmanaged
    {
        var span = value.GetTensorDataAsSpan<T>();
        var values = new double[span.Length];
        for (int i = 0; i < values.Length; i++) values[i] = convert(span[i]);
        return values;
    }
}
