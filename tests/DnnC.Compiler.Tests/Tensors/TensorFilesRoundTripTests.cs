using DnnC.Compiler.Tensors;
using DnnC.Runtime;
using Xunit.Abstractions;
using static DnnC.Compiler.Tests.Tensors.Fixtures;
using DataType = DnnC.Compiler.Onnx.Proto.TensorProto.Types.DataType;

namespace DnnC.Compiler.Tests.Tensors;

public sealed class TensorFilesRoundTripTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<int, int[]> Shapes() => new()
    {
        { 1, [1, 3, 8, 8] },
        { 2, [7] },
        { 3, [2, 5, 3] },
        { 4, [] },
        { 5, [1, 1000] },
        { 6, [0, 4] },
    };

    private static HostTensor RandomTensor(int seed, int[] shape)
    {
        var rng = new Random(seed);
        int count = shape.Aggregate(1, (a, d) => a * d);
        // Full float range of magnitudes and both signs, so byte order and exponent bits are exercised.
        var data = Enumerable.Range(0, count).Select(_ => (float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-30, 30)))).ToArray();
        return new HostTensor(shape, data);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TensorProtoRoundTrips(int seed, int[] shape)
    {
        var tensor = RandomTensor(seed, shape);
        string path = _dir.File("t.pb");
        TensorFiles.WriteTensorProto(path, "logits:0", tensor);
        var (name, read) = TensorFiles.Read(path);
        Assert.Equal("logits:0", name);
        Assert.Equal(shape, read.Shape);
        Assert.Equal(tensor.Data, read.Data);

        // And the file is what ONNX expects: FLOAT with little-endian raw_data.
        var proto = DnnC.Compiler.Onnx.Proto.TensorProto.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.Equal((int)DataType.Float, proto.DataType);
        Assert.Equal(shape.Select(d => (long)d), proto.Dims);
        Assert.Equal(Floats(tensor.Data), proto.RawData.ToByteArray());
        Assert.Empty(proto.FloatData);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void NpyRoundTrips(int seed, int[] shape)
    {
        var tensor = RandomTensor(seed, shape);
        string path = _dir.File("t.npy");
        TensorFiles.WriteNpy(path, tensor);
        var (name, read) = TensorFiles.Read(path);
        Assert.Null(name);
        Assert.Equal(shape, read.Shape);
        Assert.Equal(tensor.Data, read.Data);

        // NumPy's layout: 64-byte aligned data, a header ending in a newline, Python tuple syntax.
        var bytes = File.ReadAllBytes(path);
        int headerLength = BitConverter.ToUInt16(bytes, 8);
        Assert.Equal(0, (10 + headerLength) % 64);
        string header = System.Text.Encoding.Latin1.GetString(bytes, 10, headerLength);
        Assert.EndsWith("\n", header);
        string tuple = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        Assert.StartsWith(NpyHeader("<f4", tuple), header);
        Assert.Equal(Floats(tensor.Data), bytes[(10 + headerLength)..]);
    }

    [Fact]
    public void WritesReplaceExistingFilesAndLeaveNoTemporaries()
    {
        string path = _dir.File("out.pb");
        TensorFiles.WriteTensorProto(path, "a", RandomTensor(1, [4, 4]));
        TensorFiles.WriteTensorProto(path, "b", RandomTensor(2, [2]));
        TensorFiles.WriteNpy(_dir.File("out.npy"), RandomTensor(3, [3]));
        TensorFiles.WriteNpy(_dir.File("out.npy"), RandomTensor(4, [5]));
        Assert.Equal(["out.npy", "out.pb"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName).Order());
        Assert.Equal([2], TensorFiles.Read(path).Tensor.Shape);
        Assert.Equal([5], TensorFiles.Read(_dir.File("out.npy")).Tensor.Shape);
    }

    [Fact]
    public void ReadsTensorProtoWithFloatData()
    {
        var values = RandomTensor(7, [2, 3]).Data;
        var proto = Proto(DataType.Float, [2, 3], name: "");
        proto.FloatData.AddRange(values);
        var (name, tensor) = TensorFiles.Read(_dir.Write("f.pb", proto.Bytes()));
        Assert.Null(name);
        Assert.Equal([2, 3], tensor.Shape);
        Assert.Equal(values, tensor.Data);
    }

    [Fact]
    public void ReadsOtherTensorProtoTypesAsFloat()
    {
        double[] doubles = [1.5, -2.25, 1e-3, 123456.789];
        var d = Proto(DataType.Double, [4]);
        d.DoubleData.AddRange(doubles);
        Assert.Equal(doubles.Select(v => (float)v), TensorFiles.Read(_dir.Write("d.pb", d.Bytes())).Tensor.Data);
        var dRaw = Proto(DataType.Double, [2, 2]);
        dRaw.RawData = Raw(Doubles(doubles));
        Assert.Equal(doubles.Select(v => (float)v), TensorFiles.Read(_dir.Write("d2.pb", dRaw.Bytes())).Tensor.Data);

        int[] ints = [3, -7, 1 << 20, 0];
        var i32 = Proto(DataType.Int32, [4]);
        i32.Int32Data.AddRange(ints);
        Assert.Equal(ints.Select(v => (float)v), TensorFiles.Read(_dir.Write("i.pb", i32.Bytes())).Tensor.Data);
        var i32Raw = Proto(DataType.Int32, [4]);
        i32Raw.RawData = Raw(Int32s(ints));
        Assert.Equal(ints.Select(v => (float)v), TensorFiles.Read(_dir.Write("i2.pb", i32Raw.Bytes())).Tensor.Data);

        long[] longs = [5, -9, 1L << 40, 1];
        var i64 = Proto(DataType.Int64, [1, 4]);
        i64.Int64Data.AddRange(longs);
        Assert.Equal(longs.Select(v => (float)v), TensorFiles.Read(_dir.Write("l.pb", i64.Bytes())).Tensor.Data);
        var i64Raw = Proto(DataType.Int64, [4]);
        i64Raw.RawData = Raw(Int64s(longs));
        Assert.Equal(longs.Select(v => (float)v), TensorFiles.Read(_dir.Write("l2.pb", i64Raw.Bytes())).Tensor.Data);
    }

    [Fact]
    public void ReadsFloat16FromRawDataAndInt32Data()
    {
        // Bit patterns written out by hand: 1.0, -2.0, 0.5, 65504 (max half), 2^-24 (smallest subnormal).
        ushort[] bits = [0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001];
        float[] expected = [1f, -2f, 0.5f, 65504f, MathF.Pow(2, -24)];
        var raw = Proto(DataType.Float16, [5]);
        raw.RawData = Raw(bits.SelectMany(b => new[] { (byte)(b & 0xFF), (byte)(b >> 8) }).ToArray());
        Assert.Equal(expected, TensorFiles.Read(_dir.Write("h.pb", raw.Bytes())).Tensor.Data);
        var typed = Proto(DataType.Float16, [5]);
        typed.Int32Data.AddRange(bits.Select(b => (int)b));
        Assert.Equal(expected, TensorFiles.Read(_dir.Write("h2.pb", typed.Bytes())).Tensor.Data);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ReadsNpyVersionsAndDtypes(int major)
    {
        double[] values = [1.25, -3.5, 7, 0.001, -1e6, 42];
        string shape = "(2, 3)";
        var f4 = Fixtures.Npy(NpyHeader("<f4", shape), Floats(values.Select(v => (float)v)), major);
        var f8 = Fixtures.Npy(NpyHeader("<f8", shape), Doubles(values), major);
        var i4 = Fixtures.Npy(NpyHeader("<i4", shape), Int32s(values.Select(v => (int)v)), major);
        var i8 = Fixtures.Npy(NpyHeader("<i8", shape), Int64s(values.Select(v => (long)v)), major);
        Assert.Equal(values.Select(v => (float)v), TensorFiles.Read(_dir.Write("f4.npy", f4)).Tensor.Data);
        Assert.Equal(values.Select(v => (float)v), TensorFiles.Read(_dir.Write("f8.npy", f8)).Tensor.Data);
        Assert.Equal(values.Select(v => (float)(int)v), TensorFiles.Read(_dir.Write("i4.npy", i4)).Tensor.Data);
        Assert.Equal(values.Select(v => (float)(long)v), TensorFiles.Read(_dir.Write("i8.npy", i8)).Tensor.Data);
        Assert.Equal([2, 3], TensorFiles.Read(_dir.File("f8.npy")).Tensor.Shape);
    }

    [Fact]
    public void NpyHeaderKeysMayComeInAnyOrderWithOddSpacing()
    {
        var npy = Fixtures.Npy("{ \"shape\":(3,) ,'fortran_order':False,'descr':'<f4'}   ", Floats([1, 2, 3]));
        Assert.Equal([3], TensorFiles.Read(_dir.Write("o.npy", npy)).Tensor.Shape);
    }

    [Fact]
    public void FormatIsToldByContentNotExtension()
    {
        TensorFiles.WriteNpy(_dir.File("looks-like.pb"), new HostTensor([2], [1, 2]));
        TensorFiles.WriteTensorProto(_dir.File("looks-like.npy"), "x", new HostTensor([2], [3, 4]));
        Assert.Equal([1f, 2f], TensorFiles.Read(_dir.File("looks-like.pb")).Tensor.Data);
        Assert.Equal([3f, 4f], TensorFiles.Read(_dir.File("looks-like.npy")).Tensor.Data);
    }

    [Fact]
    public void ReadsARealOnnxTestOutput()
    {
        const string path = "/work/shared/onnx/light/light_squeezenet_output_0.pb";
        if (!File.Exists(path))
        {
            output.WriteLine($"{path} is not present on this machine; nothing to check");
            return;
        }
        var (name, tensor) = TensorFiles.Read(path);
        output.WriteLine($"{path}: name '{name ?? "(none)"}', shape {tensor.ShapeText}, " +
                         $"min {tensor.Data.Min()}, max {tensor.Data.Max()}");
        Assert.InRange(tensor.Shape.Length, 2, 4);
        Assert.Equal(1, tensor.Shape[0]);
        Assert.Equal(1000, tensor.Data.Length);
        Assert.All(tensor.Data, v => Assert.True(float.IsFinite(v)));
        Assert.Contains(tensor.Data, v => v != 0);
    }
}
