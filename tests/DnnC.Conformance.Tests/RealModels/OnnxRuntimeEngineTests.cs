using DnnC.Cli;
using DnnC.Compiler.Onnx.Proto;
using DnnC.Compiler.Tensors;
using DnnC.Conformance.Tests.Runner;
using DnnC.Runtime.Numerics;
using Google.Protobuf;

namespace DnnC.Conformance.Tests.RealModels;

/// <summary>
/// <see cref="OnnxRuntimeEngine"/>, the oracle the real-model comparisons trust, on one-node models built here: seeded
/// random inputs, expected values computed in C# in float64, and every element type ORT's C# API has crossing
/// the interface both ways exactly.
/// </summary>
public sealed class OnnxRuntimeEngineTests
{
    public OnnxRuntimeEngineTests() => Assert.True(OnnxRuntimeEngine.Unavailable() is null, OnnxRuntimeEngine.Unavailable());

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void AddAndSubOfFloatsGiveEveryOutputInTheModelsOrder(int seed)
    {
        var random = new Random(seed);
        int[] shape = [random.Next(1, 4), random.Next(1, 6), random.Next(1, 8)];
        var a = RandomTensor(random, ElementType.Float, shape);
        var b = RandomTensor(random, ElementType.Float, shape);
        // "sum" after "diff" in the graph's outputs: the order must be the model's, not alphabetical.
        var model = Model(
            [ProtoBuilders.Node("Sub", ["a", "b"], "diff"), ProtoBuilders.Node("Add", ["a", "b"], "sum")],
            [Value("a", ElementType.Float, shape), Value("b", ElementType.Float, shape)],
            [Value("diff", ElementType.Float, shape), Value("sum", ElementType.Float, shape)]);

        var outputs = OnnxRuntimeEngine.Run(model, [("a", a), ("b", b)]);

        Assert.Equal(["diff", "sum"], outputs.Select(o => o.Name));
        // The float64 difference and sum of two float32 values, rounded once to float32, is float32 arithmetic's exact result.
        Assert.Equal(a.Values.Zip(b.Values, (x, y) => (double)(float)(x - y)), outputs[0].Tensor.Values);
        Assert.Equal(a.Values.Zip(b.Values, (x, y) => (double)(float)(x + y)), outputs[1].Tensor.Values);
        Assert.All(outputs, o => { Assert.Equal(ElementType.Float, o.Tensor.Type); Assert.Equal(shape, o.Tensor.Shape); });
    }

    [Fact]
    public void CastFromFloatToInt64Truncates()
    {
        var random = new Random(11);
        var input = Scaled(random, [4, 9], 1e4);
        var output = RunCast(input, ElementType.Int64);
        Assert.Equal(ElementType.Int64, output.Type);
        Assert.Equal(input.Values.Select(Math.Truncate), output.Values);
    }

    [Fact]
    public void CastFromFloatToFloat16RoundsToNearestEvenIncludingSubnormals()
    {
        var random = new Random(12);
        // Magnitudes from 1e-8 (below FLOAT16's smallest subnormal) to 1e4: every rounding regime.
        var values = new double[200];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)((random.Next(2) == 0 ? -1 : 1) * (1 + random.NextDouble()) * Math.Pow(10, random.Next(-8, 5)));
        var output = RunCast(new TypedTensor(ElementType.Float, [values.Length], values), ElementType.Float16);
        Assert.Equal(ElementType.Float16, output.Type);
        Assert.Equal(values.Select(v => (double)(Half)v), output.Values);
    }

    [Fact]
    public void CastFromFloatToBoolIsTrueForEveryNonZero()
    {
        var random = new Random(13);
        var values = new double[64];
        for (int i = 0; i < values.Length; i++) values[i] = random.Next(4) == 0 ? 0 : (float)(random.NextDouble() * 2 - 1);
        Assert.Contains(0.0, values);
        var output = RunCast(new TypedTensor(ElementType.Float, [8, 8], values), ElementType.Bool);
        Assert.Equal(ElementType.Bool, output.Type);
        Assert.Equal(values.Select(v => v != 0 ? 1.0 : 0.0), output.Values);
    }

    public static TheoryData<ElementType> OrtTypes() => new(
        ElementType.Float, ElementType.Double, ElementType.Float16, ElementType.BFloat16,
        ElementType.Int8, ElementType.Int16, ElementType.Int32, ElementType.Int64,
        ElementType.UInt8, ElementType.UInt16, ElementType.UInt32, ElementType.UInt64, ElementType.Bool);

    /// <summary>Values across each type's whole range go in and come back out unchanged, with their type.</summary>
    [Theory]
    [MemberData(nameof(OrtTypes))]
    public void EveryTypeRoundTripsExactlyThroughIdentity(ElementType type)
    {
        var random = new Random(100 + (int)type);
        int[] shape = [3, random.Next(2, 9)];
        var input = RandomTensor(random, type, shape);
        Assert.True(input.Values.Distinct().Count() > 1, "the input must not be one repeated value");
        var model = Model([ProtoBuilders.Node("Identity", ["x"], "y")], [Value("x", type, shape)], [Value("y", type, shape)]);

        var output = Assert.Single(OnnxRuntimeEngine.Run(model, [("x", input)])).Tensor;

        Assert.Equal(type, output.Type);
        Assert.Equal(shape, output.Shape);
        Assert.Equal(input.Values, output.Values);
    }

    [Fact]
    public void ZeroSizeInputGivesAZeroSizeOutput()
    {
        var random = new Random(14);
        var empty = new TypedTensor(ElementType.Float, [0, 5], []);
        var row = RandomTensor(random, ElementType.Float, [1, 5]);
        var model = Model([ProtoBuilders.Node("Add", ["x", "row"], "y")],
            [Value("x", ElementType.Float, [0, 5]), Value("row", ElementType.Float, [1, 5])], [Value("y", ElementType.Float, [0, 5])]);

        var output = Assert.Single(OnnxRuntimeEngine.Run(model, [("x", empty), ("row", row)])).Tensor;

        Assert.Equal([0, 5], output.Shape);
        Assert.Empty(output.Values);
    }

    [Fact]
    public void RankZeroScalarsMultiply()
    {
        var random = new Random(15);
        var a = RandomTensor(random, ElementType.Double, []);
        var b = RandomTensor(random, ElementType.Double, []);
        var model = Model([ProtoBuilders.Node("Mul", ["a", "b"], "y")],
            [Value("a", ElementType.Double, []), Value("b", ElementType.Double, [])], [Value("y", ElementType.Double, [])]);

        var output = Assert.Single(OnnxRuntimeEngine.Run(model, [("a", a), ("b", b)])).Tensor;

        Assert.Empty(output.Shape);
        Assert.Equal([a.Values[0] * b.Values[0]], output.Values);
    }

    [Fact]
    public void UnnamedInputsBindInTheModelsInputOrderAndAModelFileRunsLikeItsBytes()
    {
        var random = new Random(16);
        var a = RandomTensor(random, ElementType.Float, [6]);
        var b = RandomTensor(random, ElementType.Float, [6]);
        var model = Model([ProtoBuilders.Node("Sub", ["a", "b"], "y")],
            [Value("a", ElementType.Float, [6]), Value("b", ElementType.Float, [6])], [Value("y", ElementType.Float, [6])]);
        string path = Path.Combine(Path.GetTempPath(), $"dnnc-ort-test-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, model);
        try
        {
            var output = Assert.Single(OnnxRuntimeEngine.Run(path, [("", a), ("", b)])).Tensor;
            Assert.Equal(a.Values.Zip(b.Values, (x, y) => (double)(float)(x - y)), output.Values);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AnOperatorOrtDoesNotKnowFailsWithOrtsMessage()
    {
        var model = Model([ProtoBuilders.Node("NoSuchOperator", ["x"], "y")], [Value("x", ElementType.Float, [2])], [Value("y", ElementType.Float, [2])]);
        var e = Assert.Throws<OnnxRuntimeFailedException>(() => OnnxRuntimeEngine.Run(model, [("x", new TypedTensor(ElementType.Float, [2], [1, 2]))]));
        Assert.Contains("NoSuchOperator", e.Message);
        Assert.IsType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(e.InnerException);
    }

    [Fact]
    public void BytesThatAreNoModelFailWithOrtsMessage()
    {
        var e = Assert.Throws<OnnxRuntimeFailedException>(() => OnnxRuntimeEngine.Run([1, 2, 3, 4, 5], []));
        Assert.StartsWith("ONNX Runtime could not load the model: ", e.Message);
        Assert.True(e.Message.Length > "ONNX Runtime could not load the model: ".Length + 10, e.Message);
    }

    [Fact]
    public void AnInputValueItsTypeCannotHoldIsRefusedNotRounded()
    {
        var model = Model([ProtoBuilders.Node("Identity", ["x"], "y")], [Value("x", ElementType.Int32, [2])], [Value("y", ElementType.Int32, [2])]);
        var e = Assert.Throws<ArgumentException>(() => OnnxRuntimeEngine.Run(model, [("x", new TypedTensor(ElementType.Int32, [2], [3, 2.5]))]));
        Assert.Contains("element 1", e.Message);
    }

    [Fact]
    public void AnFp8OutputFailsSayingTheCSharpApiLacksTheType()
    {
        var random = new Random(17);
        var input = RandomTensor(random, ElementType.Float, [4]);
        var cast = ProtoBuilders.Node("Cast", ["x"], "y", new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)ElementType.Float8E5M2 });
        var model = Model([cast], [Value("x", ElementType.Float, [4])], [Value("y", ElementType.Float8E5M2, [4])], opset: 21);
        var e = Assert.Throws<OnnxRuntimeFailedException>(() => OnnxRuntimeEngine.Run(model, [("x", input)]));
        Assert.Contains("C# API has no tensors of", e.Message);
    }

    [Fact]
    public void AnFp8InputNamesItsTypeAsUnsupported()
    {
        // Opset 21, whose Identity takes FP8, so that the model itself is one ORT accepts.
        var model = Model([ProtoBuilders.Node("Identity", ["x"], "y")], [Value("x", ElementType.Float8E4M3FN, [1])], [Value("y", ElementType.Float8E4M3FN, [1])], opset: 21);
        var e = Assert.Throws<NotSupportedException>(() => OnnxRuntimeEngine.Run(model, [("x", new TypedTensor(ElementType.Float8E4M3FN, [1], [0.5]))]));
        Assert.Contains("FLOAT8E4M3FN", e.Message);
    }

    private static TypedTensor RunCast(TypedTensor input, ElementType to)
    {
        var cast = ProtoBuilders.Node("Cast", ["x"], "y", new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)to });
        var model = Model([cast], [Value("x", input.Type, input.Shape)], [Value("y", to, input.Shape)]);
        return Assert.Single(OnnxRuntimeEngine.Run(model, [("x", input)])).Tensor;
    }

    /// <summary>float32 values uniform in (-scale, scale).</summary>
    private static TypedTensor Scaled(Random random, int[] shape, double scale)
    {
        var values = new double[shape.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < values.Length; i++) values[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        return new TypedTensor(ElementType.Float, shape, values);
    }

    /// <summary>Seeded values spread over the type's range, each exactly one of the type's values.</summary>
    private static TypedTensor RandomTensor(Random random, ElementType type, int[] shape)
    {
        var values = new double[shape.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < values.Length; i++) values[i] = RandomValue(random, type);
        return new TypedTensor(type, shape, values);
    }

    private static double RandomValue(Random random, ElementType type)
    {
        double uniform = random.NextDouble() * 2 - 1;
        return type switch
        {
            ElementType.Float => (float)(uniform * 100),
            ElementType.Double => uniform * 1e6,
            ElementType.Float16 => (double)(Half)(uniform * 1000),
            // A BFLOAT16 value is a float32 with the low 16 bits zero.
            ElementType.BFloat16 => BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits((float)(uniform * 100)) & 0xFFFF0000),
            ElementType.Int8 => random.Next(sbyte.MinValue, sbyte.MaxValue + 1),
            ElementType.Int16 => random.Next(short.MinValue, short.MaxValue + 1),
            ElementType.Int32 => random.NextInt64(int.MinValue, int.MaxValue + 1L),
            // 64-bit integers whose low 11 bits are zero have at most 53 significant bits, so a double holds them.
            ElementType.Int64 => random.NextInt64(long.MinValue, long.MaxValue) & ~0x7FFL,
            ElementType.UInt8 => random.Next(byte.MaxValue + 1),
            ElementType.UInt16 => random.Next(ushort.MaxValue + 1),
            ElementType.UInt32 => random.NextInt64(uint.MaxValue + 1L),
            ElementType.UInt64 => unchecked((ulong)random.NextInt64(long.MinValue, long.MaxValue)) & ~0x7FFUL,
            ElementType.Bool => random.Next(2),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
        };
    }

    private static ValueInfoProto Value(string name, ElementType type, int[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (int d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    private static byte[] Model(IEnumerable<NodeProto> nodes, IEnumerable<ValueInfoProto> inputs, IEnumerable<ValueInfoProto> outputs, int opset = 13)
    {
        var model = ProtoBuilders.Model(nodes, inputs, outputs);
        model.OpsetImport[0].Version = opset;
        if (opset >= 21) model.IrVersion = 10;
        return model.ToByteArray();
    }
}
