using System.Formats.Tar;
using System.IO.Compression;
using System.Text.RegularExpressions;

namespace DnnC.Conformance.Suite;

/// <summary>
/// Streams the cases out of node-tests.tar.gz without unpacking it. The archive stores each
/// case's files next to each other, so a case is complete when the next one starts.
/// </summary>
public static partial class NodeTestArchive
{
    [GeneratedRegex(@"^(?:\./)?node/(test_[^/]+)/(model\.onnx|test_data_set_0/(input|output)_(\d+)\.pb)$")]
    private static partial Regex CaseFile();

    public static IEnumerable<NodeTestCase> Read(string archivePath)
    {
        using var file = File.OpenRead(archivePath);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        CaseBuilder? current = null;
        var finished = new HashSet<string>();
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
            var match = CaseFile().Match(entry.Name);
            // Other data sets and stray files are not part of the suite's contract.
            if (!match.Success) continue;
            string name = match.Groups[1].Value;
            if (current is not null && current.Name != name)
            {
                finished.Add(current.Name);
                yield return current.Build();
                current = null;
            }
            if (finished.Contains(name))
                throw new InvalidDataException($"{archivePath}: the files of case '{name}' are not stored together");
            current ??= new CaseBuilder(name);
            var bytes = ReadAll(entry.DataStream);
            if (match.Groups[3].Success)
                current.Add(match.Groups[3].Value == "input", int.Parse(match.Groups[4].Value), bytes);
            else
                current.Model = bytes;
        }
        if (current is not null) yield return current.Build();
    }

    private static byte[] ReadAll(Stream? stream)
    {
        if (stream is null) return [];
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    private sealed class CaseBuilder(string name)
    {
        private readonly SortedDictionary<int, byte[]> _inputs = new();
        private readonly SortedDictionary<int, byte[]> _outputs = new();

        public string Name { get; } = name;
        public byte[]? Model { get; set; }

        public void Add(bool isInput, int index, byte[] bytes) => (isInput ? _inputs : _outputs)[index] = bytes;

        public NodeTestCase Build()
        {
            if (Model is null) throw new InvalidDataException($"case '{Name}' in the archive has no model.onnx");
            CheckDense(_inputs, "input");
            CheckDense(_outputs, "output");
            return new NodeTestCase(Name, Model, _inputs.Values.ToList(), _outputs.Values.ToList());
        }

        private void CheckDense(SortedDictionary<int, byte[]> files, string kind)
        {
            if (files.Count > 0 && files.Keys.Last() != files.Count - 1)
                throw new InvalidDataException($"case '{Name}' has {kind} files {string.Join(", ", files.Keys)}, not 0..{files.Count - 1}");
        }
    }
}
