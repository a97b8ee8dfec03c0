using System.Formats.Tar;
using System.IO.Compression;
using DnnC.Conformance.Suite;

namespace DnnC.Conformance.Tests.Runner;

public sealed class NodeTestArchiveTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"dnnc-suite-{Guid.NewGuid():N}.tar.gz");

    public void Dispose() => File.Delete(_path);

    private void WriteArchive(params (string Name, byte[] Content)[] files)
    {
        using var file = File.Create(_path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        foreach (var (name, content) in files)
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
    }

    [Fact]
    public void GroupsEachCaseAndOrdersItsFilesByIndex()
    {
        WriteArchive(
            ("node/test_a/test_data_set_0/output_0.pb", [9]),
            ("node/test_a/test_data_set_0/input_1.pb", [2]),
            ("node/test_a/test_data_set_0/input_0.pb", [1]),
            ("node/test_a/model.onnx", [7]),
            ("node/test_a/test_data_set_1/input_0.pb", [5]), // only data set 0 is part of the contract
            ("node/test_b/model.onnx", [8]));
        var cases = NodeTestArchive.Read(_path).ToList();
        Assert.Equal(["test_a", "test_b"], cases.Select(c => c.Name));
        Assert.Equal([[1], [2]], cases[0].Inputs);
        Assert.Equal([[9]], cases[0].Outputs);
        Assert.Equal([7], cases[0].Model);
        Assert.Empty(cases[1].Inputs);
    }

    [Fact]
    public void RejectsACaseWhoseFilesAreScatteredOrIncomplete()
    {
        WriteArchive(("node/test_a/model.onnx", [1]), ("node/test_b/model.onnx", [2]), ("node/test_a/test_data_set_0/input_0.pb", [3]));
        Assert.Throws<InvalidDataException>(() => NodeTestArchive.Read(_path).ToList());
        WriteArchive(("node/test_a/model.onnx", [1]), ("node/test_a/test_data_set_0/input_1.pb", [3]));
        Assert.Throws<InvalidDataException>(() => NodeTestArchive.Read(_path).ToList());
    }
}
