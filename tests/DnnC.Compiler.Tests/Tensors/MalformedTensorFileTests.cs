using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.Tensors;
using DnnC.Runtime;
using static DnnC.Compiler.Tests.Tensors.Fixtures;
using DataType = DnnC.Compiler.Onnx.Proto.TensorProto.Types.DataType;

namespace DnnC.Compiler.Tests.Tensors;

public sealed class MalformedTensorFileTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private TensorFileException Fails(byte[] bytes, string expectedFragment, string name = "bad.bin")
    {
        string path = _dir.Write(name, bytes);
        var e = Assert.Throws<TensorFileException>(() => TensorFiles.Read(path));
        Assert.Equal(path, e.Path);
        Assert.Equal(TensorFileOperation.Read, e.Operation);
        Assert.Contains(expectedFragment, e.Detail);
        return e;
    }

    [Fact]
    public void MissingFile()
    {
        string path = _dir.File("nope.pb");
        var e = Assert.Throws<TensorFileException>(() => TensorFiles.Read(path));
        Assert.Contains("does not exist", e.Detail);
        var missingDir = Assert.Throws<TensorFileException>(() => TensorFiles.Read(_dir.File("no/such/dir.npy")));
        Assert.Contains("does not exist", missingDir.Detail);
    }

    [Fact]
    public void DirectoryInsteadOfFile()
    {
        var e = Assert.Throws<TensorFileException>(() => TensorFiles.Read(_dir.Path));
        Assert.Contains("directory", e.Detail);
    }

    [Fact]
    public void EmptyFile() => Fails([], "empty");

    [Fact]
    public void EveryTruncationOfATensorProtoFails()
    {
        var proto = Proto(DataType.Float, [2, 3], "name");
        proto.RawData = Raw(Floats([1, 2, 3, 4, 5, 6]));
        var bytes = proto.Bytes();
        for (int cut = 1; cut < bytes.Length; cut++)
        {
            string path = _dir.Write($"cut{cut}.pb", bytes[..cut]);
            Assert.Throws<TensorFileException>(() => TensorFiles.Read(path));
        }
    }

    [Fact]
    public void EveryTruncationOfAnNpyFails()
    {
        var bytes = Fixtures.Npy(NpyHeader("<f4", "(2, 3)"), Floats([1, 2, 3, 4, 5, 6]));
        for (int cut = 1; cut < bytes.Length; cut++)
        {
            string path = _dir.Write($"cut{cut}.npy", bytes[..cut]);
            Assert.Throws<TensorFileException>(() => TensorFiles.Read(path));
        }
    }

    [Fact]
    public void BadMagic()
    {
        var npy = Fixtures.Npy(NpyHeader("<f4", "(2,)"), Floats([1, 2]));
        npy[1] = (byte)'X';
        Fails(npy, "");
        Fails("this is plain text, not a tensor\n"u8.ToArray(), "");
    }

    [Fact]
    public void UnsupportedNpyVersion()
    {
        var npy = Fixtures.Npy(NpyHeader("<f4", "(2,)"), Floats([1, 2]));
        npy[6] = 4;
        Fails(npy, "version 4.0");
    }

    [Theory]
    [InlineData(">f4")]
    [InlineData(">i8")]
    [InlineData("<c8")]
    [InlineData("<U3")]
    public void UnsupportedNpyDtype(string descr)
    {
        var e = Fails(Fixtures.Npy(NpyHeader(descr, "(2,)"), new byte[24]), $"'{descr}'");
        Assert.NotNull(e.Help);
    }

    [Theory]
    [InlineData(DataType.String)]
    [InlineData(DataType.Complex64)]
    [InlineData(DataType.Complex128)]
    [InlineData((DataType)99)]
    public void UnsupportedTensorProtoType(DataType type)
    {
        var proto = Proto(type, [2]);
        proto.RawData = Raw(new byte[8]);
        Fails(proto.Bytes(), "not supported");
    }

    [Fact]
    public void UndefinedTensorProtoType() => Fails(Proto(DataType.Undefined, [2]).Bytes(), "UNDEFINED");

    [Fact]
    public void FortranOrder() =>
        Fails(Fixtures.Npy(NpyHeader("<f4", "(2, 2)", fortran: true), Floats([1, 2, 3, 4])), "Fortran");

    [Theory]
    [InlineData("{'descr': '<f4', 'shape': (2,), }", "lacks")]
    [InlineData("not a dict", "expected '{'")]
    [InlineData("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }", "True or False")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,x), }", "expected")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", "unexpected key")]
    [InlineData("{'descr: '<f4'}", "malformed")]
    public void MalformedNpyHeader(string header, string fragment) =>
        Fails(Fixtures.Npy(header, Floats([1, 2])), fragment);

    [Fact]
    public void NpyHeaderLengthBeyondTheFile()
    {
        var npy = Fixtures.Npy(NpyHeader("<f4", "(2,)"), Floats([1, 2]));
        npy[8] = 0xFF;
        npy[9] = 0xFF;
        Fails(npy, "header claims");
    }

    [Theory]
    [InlineData("(-1, 3)", "negative")]
    [InlineData("(3000000000,)", "too large")]
    [InlineData("(99999999999999999999,)", "64 bits")]
    [InlineData("(65536, 65536)", "2^31")]
    [InlineData("(2147483647, 2147483647, 2147483647, 2147483647)", "2^31")]
    public void BadNpyDims(string shape, string fragment) =>
        Fails(Fixtures.Npy(NpyHeader("<f4", shape), Floats([1, 2, 3])), fragment);

    [Theory]
    [InlineData(new long[] { -1, 3 }, "negative")]
    [InlineData(new long[] { 1L << 40 }, "too large")]
    [InlineData(new long[] { 1L << 31, 1L << 31, 1L << 31 }, "too large")]
    [InlineData(new long[] { 65536, 65536 }, "2^31")]
    [InlineData(new long[] { 46341, 46341 }, "2^31")]
    public void BadTensorProtoDims(long[] dims, string fragment)
    {
        // No data at all: the check must come before any allocation sized by the dims.
        Fails(Proto(DataType.Float, dims).Bytes(), fragment);
    }

    [Fact]
    public void NpyDataLengthMismatch()
    {
        Fails(Fixtures.Npy(NpyHeader("<f4", "(2, 3)"), Floats([1, 2, 3, 4, 5])), "needs 24 data bytes");
        Fails(Fixtures.Npy(NpyHeader("<f4", "(2, 3)"), Floats([1, 2, 3, 4, 5, 6, 7])), "needs 24 data bytes");
        Fails(Fixtures.Npy(NpyHeader("<f8", "(2,)"), Floats([1, 2])), "needs 16 data bytes");
    }

    [Fact]
    public void TensorProtoDataLengthMismatch()
    {
        var shortRaw = Proto(DataType.Float, [2, 3]);
        shortRaw.RawData = Raw(Floats([1, 2, 3, 4, 5]));
        Fails(shortRaw.Bytes(), "(24 bytes) but raw_data has 20 bytes");

        var longTyped = Proto(DataType.Float, [2, 2]);
        longTyped.FloatData.AddRange([1, 2, 3, 4, 5]);
        Fails(longTyped.Bytes(), "4 elements but its data has 5");

        var noData = Proto(DataType.Int64, [3]);
        Fails(noData.Bytes(), "3 elements but its data has 0");

        var halfOdd = Proto(DataType.Float16, [2]);
        halfOdd.RawData = Raw([0, 0x3C, 0]);
        Fails(halfOdd.Bytes(), "(4 bytes) but raw_data has 3");

        var both = Proto(DataType.Float, [1]);
        both.RawData = Raw(Floats([1]));
        both.FloatData.Add(1);
        Fails(both.Bytes(), "both raw_data and typed data");
    }

    [Fact]
    public void ExternalDataIsRejected()
    {
        var proto = Proto(DataType.Float, [2]);
        proto.DataLocation = 1;
        proto.ExternalData.Add(new DnnC.Compiler.Onnx.Proto.StringStringEntryProto { Key = "location", Value = "w.bin" });
        Fails(proto.Bytes(), "external");
    }

    [Fact]
    public void ReadErrorsBecomeDiagnosticDnn3101()
    {
        string path = _dir.Write("bad.npy", Fixtures.Npy(NpyHeader(">i2", "(1,)"), new byte[2]));
        var e = Assert.Throws<TensorFileException>(() => TensorFiles.Read(path));
        var d = Diag.TensorFile(e);
        Assert.Equal("DNN3101", d.Code);
        Assert.Equal($"cannot read tensor file '{path}': {e.Detail}", d.Message);
        Assert.Equal(e.Help, d.Help);
        Assert.Equal(d.Message, e.Message);
    }

    [Fact]
    public void WriteErrorsBecomeDiagnosticDnn3102()
    {
        string path = _dir.File("missing-dir/out.pb");
        var tensor = new HostTensor([2], [1, 2]);
        var e = Assert.Throws<TensorFileException>(() => TensorFiles.WriteTensorProto(path, "y", tensor));
        Assert.Equal(TensorFileOperation.Write, e.Operation);
        Assert.Contains("directory does not exist", e.Detail);
        Assert.Equal("DNN3102", Diag.TensorFile(e).Code);
        Assert.StartsWith($"cannot write tensor file '{path}'", Diag.TensorFile(e).Message);

        // The target is a directory: the temporary file is written, the rename fails, and the
        // temporary must not be left behind.
        var npy = Assert.Throws<TensorFileException>(() => TensorFiles.WriteNpy(_dir.Path, tensor));
        Assert.Equal(TensorFileOperation.Write, npy.Operation);
        string parent = Path.GetDirectoryName(_dir.Path)!;
        Assert.Empty(Directory.GetFiles(parent, $".{Path.GetFileName(_dir.Path)}.*.tmp"));
    }
}
