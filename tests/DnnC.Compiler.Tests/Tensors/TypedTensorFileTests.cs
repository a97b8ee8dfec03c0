using DnnC.Compiler.Tensors;
using DnnC.Runtime.Numerics;
using static DnnC.Compiler.Tests.Tensors.Fixtures;
using DataType = DnnC.Compiler.Onnx.Proto.TensorProto.Types.DataType;

namespace DnnC.Compiler.Tests.Tensors;

/// <summary>
/// Every numeric ONNX element type is written and read back exactly, in .pb and (where NumPy has
/// the dtype) .npy, on fresh random values of the type's own value set.
/// </summary>
public sealed class TypedTensorFileTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<ElementType> NumericTypes()
    {
        var data = new TheoryData<ElementType>();
        foreach (var t in Enum.GetValues<ElementType>().Where(ElementTypes.IsNumeric)) data.Add(t);
        return data;
    }

    /// <summary>Random values the type holds: wide-ranging floats rounded onto it, integers across its whole range.</summary>
    internal static TypedTensor RandomOf(ElementType type, int seed, params int[] shape)
    {
        var rng = new Random(seed);
        int count = shape.Aggregate(1, (a, d) => a * d);
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            double v = type switch
            {
                ElementType.Bool => rng.Next(2),
                ElementType.Int64 => rng.NextInt64(long.MinValue, long.MaxValue) >> rng.Next(1, 63),
                ElementType.UInt64 => (double)(ulong)rng.NextInt64(0, long.MaxValue) * (rng.Next(2) + 1) / 2,
                _ when ElementTypes.Format(type) is { } f && ElementFormats.Integer(f) is { } integer =>
                    Math.Floor(integer.Signed ? (rng.NextDouble() * 2 - 1) * Math.Pow(2, integer.Bits - 1) : rng.NextDouble() * Math.Pow(2, integer.Bits)),
                _ => (rng.NextDouble() - 0.5) * Math.Pow(2, rng.Next(-12, 12)),
            };
            values[i] = ElementTypes.Coerce(type, v);
        }
        // Integers of 64 bits: keep the values a double holds exactly (every one above is).
        return new TypedTensor(type, shape, values);
    }

    [Theory]
    [MemberData(nameof(NumericTypes))]
    public void TensorProtoRoundTripsEveryType(ElementType type)
    {
        var tensor = RandomOf(type, (int)type, 3, 7);
        string path = _dir.File($"{type}.pb");
        TensorFiles.WriteTensorProto(path, "t", tensor);
        var (name, back) = TensorFiles.ReadTyped(path);
        Assert.Equal("t", name);
        Assert.Equal(type, back.Type);
        Assert.Equal(tensor.Shape, back.Shape);
        Assert.Equal(tensor.Values, back.Values);
    }

    [Theory]
    [InlineData(ElementType.Float16)]
    [InlineData(ElementType.Float)]
    [InlineData(ElementType.Double)]
    [InlineData(ElementType.Int8)]
    [InlineData(ElementType.Int16)]
    [InlineData(ElementType.Int32)]
    [InlineData(ElementType.Int64)]
    [InlineData(ElementType.UInt8)]
    [InlineData(ElementType.UInt16)]
    [InlineData(ElementType.UInt32)]
    [InlineData(ElementType.UInt64)]
    [InlineData(ElementType.Bool)]
    public void NpyRoundTripsEveryNumPyDtype(ElementType type)
    {
        var tensor = RandomOf(type, 100 + (int)type, 2, 5);
        string path = _dir.File($"{type}.npy");
        TensorFiles.WriteNpy(path, tensor);
        var back = TensorFiles.ReadTyped(path).Tensor;
        Assert.Equal(type, back.Type);
        Assert.Equal(tensor.Shape, back.Shape);
        Assert.Equal(tensor.Values, back.Values);
    }

    [Fact]
    public void NpyRefusesTypesNumPyLacks()
    {
        var e = Assert.Throws<TensorFileException>(() => TensorFiles.WriteNpy(_dir.File("b.npy"), RandomOf(ElementType.BFloat16, 1, 4)));
        Assert.Contains("NumPy has no dtype for BFLOAT16", e.Detail);
    }

    [Theory]
    [InlineData(DataType.Int4, 4, true)]
    [InlineData(DataType.Uint4, 4, false)]
    [InlineData(DataType.Int2, 2, true)]
    [InlineData(DataType.Uint2, 2, false)]
    public void SubByteTypesReadFromPackedInt32Data(DataType type, int bits, bool signed)
    {
        // onnx.proto: one packed byte per int32_data entry, element 0 in the low bits (as the ONNX node tests store them).
        var rng = new Random(bits * 10 + (signed ? 1 : 0));
        int count = 7, perByte = 8 / bits;
        var codes = Enumerable.Range(0, count).Select(_ => rng.Next(1 << bits)).ToArray();
        var packed = new int[(count + perByte - 1) / perByte];
        for (int i = 0; i < count; i++) packed[i / perByte] |= codes[i] << (bits * (i % perByte));
        var proto = Proto(type, [count]);
        proto.Int32Data.AddRange(packed);
        var tensor = TensorFiles.ReadTyped(_dir.Write("p.pb", proto.Bytes())).Tensor;
        var expected = codes.Select(c => (double)(signed && c >= 1 << (bits - 1) ? c - (1 << bits) : c));
        Assert.Equal(expected, tensor.Values);
    }

    [Fact]
    public void AnIntegerFloat32CannotHoldIsRefusedWithItsIndex()
    {
        var proto = Proto(DataType.Int64, [3]);
        proto.Int64Data.AddRange([5, (1L << 24) + 1, 7]);
        string path = _dir.Write("big.pb", proto.Bytes());
        Assert.Equal((1L << 24) + 1, TensorFiles.ReadTyped(path).Tensor.Values[1]);
        var e = Assert.Throws<TensorFileException>(() => TensorFiles.Read(path));
        Assert.Contains("element 1 (INT64 16777217) is not exactly a float32 value", e.Detail);
    }

    [Theory]
    [MemberData(nameof(NumericTypes))]
    public void FromHostAppliesCastRules(ElementType type)
    {
        // A computed float32 tensor written as the declared type holds what ONNX Cast gives (non-saturating).
        var rng = new Random((int)type);
        var data = Enumerable.Range(0, 64).Select(_ => (float)((rng.NextDouble() - 0.5) * Math.Pow(2, rng.Next(-10, 20)))).ToArray();
        var typed = TypedTensor.FromHost(new Runtime.HostTensor([64], data), type);
        Assert.Equal(type, typed.Type);
        for (int i = 0; i < data.Length; i++)
            Assert.Equal(ElementTypes.Coerce(type, data[i], saturate: false), typed.Values[i]);
        // And it can be written and read back as that type.
        string path = _dir.File("cast.pb");
        TensorFiles.WriteTensorProto(path, "y", typed);
        Assert.Equal(typed.Values, TensorFiles.ReadTyped(path).Tensor.Values);
    }
}
