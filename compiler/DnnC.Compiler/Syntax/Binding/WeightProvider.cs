using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Syntax.Weights;
using DnnC.Compiler.Text;
using DnnC.Runtime;

namespace DnnC.Compiler.Syntax.Binding;

/// <summary>
/// Supplies layer weights as graph constants: from the model's safetensors file when it names
/// one, otherwise from <see cref="SeededWeights"/>. A file that cannot be read is reported once
/// at the <c>weights</c> clause; binding then continues on seeded weights so shape errors further
/// down are still found.
/// </summary>
internal sealed class WeightProvider
{
    private readonly GraphBuilder _builder;
    private readonly DiagnosticBag _diagnostics;
    private readonly SafetensorsFile? _file;
    private readonly WeightsFileSyntax? _clause;
    private readonly SourceLocation _clauseAt;
    private readonly SeededWeights _seeded;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly List<string> _missing = new();

    private WeightProvider(GraphBuilder builder, DiagnosticBag diagnostics, SafetensorsFile? file, WeightsFileSyntax? clause,
        SourceLocation clauseAt, ulong seed)
    {
        _builder = builder;
        _diagnostics = diagnostics;
        _file = file;
        _clause = clause;
        _clauseAt = clauseAt;
        _seeded = new SeededWeights(seed);
    }

    public static WeightProvider Create(SourceText source, EquatableArray<ItemSyntax> items, DiagnosticBag diagnostics, GraphBuilder builder)
    {
        var clauses = items.Where(i => i is WeightsFileSyntax or WeightsSeedSyntax).ToList();
        foreach (var extra in clauses.Skip(1))
        {
            int line = source.GetLineColumn(clauses[0].Span.Start).Line + 1;
            diagnostics.Add(Diag.DuplicateSection(new SourceLocation(source, extra.Span), "weights clause", line));
        }
        switch (clauses.FirstOrDefault())
        {
            case WeightsSeedSyntax seed:
                if (seed.Seed.IsInteger && ulong.TryParse(seed.Seed.Text, out ulong value))
                    return new WeightProvider(builder, diagnostics, null, null, SourceLocation.None, value);
                diagnostics.Add(Diag.InvalidSeed(new SourceLocation(source, seed.Seed.Span), seed.Seed.Text));
                break;
            case WeightsFileSyntax clause:
                var at = new SourceLocation(source, clause.PathSpan);
                var file = Open(source, clause, at, diagnostics);
                return new WeightProvider(builder, diagnostics, file, file is null ? null : clause, at, SeededWeights.DefaultSeed);
        }
        return new WeightProvider(builder, diagnostics, null, null, SourceLocation.None, SeededWeights.DefaultSeed);
    }

    private static SafetensorsFile? Open(SourceText source, WeightsFileSyntax clause, SourceLocation at, DiagnosticBag diagnostics)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(source.Path)) ?? ".";
        string path = Path.Combine(directory, clause.Path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            string reason = e is FileNotFoundException or DirectoryNotFoundException ? "the file does not exist" : e.Message;
            diagnostics.Add(Diag.WeightsFileUnreadable(at, clause.Path, reason));
            return null;
        }
        var (file, error) = SafetensorsFile.Parse(bytes);
        if (file is null) diagnostics.Add(Diag.WeightsFileMalformed(at, clause.Path, error!));
        return file;
    }

    public string? Add(OperatorCall call, string suffix, int[] shape, WeightRole role, int fanIn, int[]? fileShape)
    {
        string key = $"{call.Layer}.{suffix}";
        if (shape.Aggregate(1.0, (a, d) => a * d) > int.MaxValue)
        {
            _diagnostics.Add(Diag.TensorTooLarge(call.At, key, TensorType.FormatShape(shape)));
            return null;
        }
        if (_file is null) return _builder.Constant(key, _seeded.Create(key, shape, role, fanIn), call.At);

        int[] expected = fileShape ?? shape;
        if (!_file.Entries.TryGetValue(key, out var entry))
        {
            _missing.Add(key);
            return null;
        }
        _used.Add(key);
        if (!entry.Shape.SequenceEqual(expected))
        {
            _diagnostics.Add(Diag.WeightShapeMismatch(call.At, key, TensorType.FormatShape(expected), TensorType.FormatShape(entry.Shape)));
            return null;
        }
        var tensor = _file.Read(entry);
        if (tensor is null)
        {
            _diagnostics.Add(Diag.UnsupportedWeightDType(call.At, key, entry.DType));
            return null;
        }
        return _builder.Constant(key, new HostTensor(shape, tensor.Data), call.At);
    }

    /// <summary>Reports the weights the layer just lowered could not find, as one diagnostic.</summary>
    public void ReportMissing(OperatorCall call)
    {
        if (_missing.Count == 0) return;
        string? suggestion = _missing.Count == 1 ? Diag.Suggest(_missing[0], _file!.Entries.Keys) : null;
        _diagnostics.Add(Diag.MissingWeight(call.At, _missing.ToList(), _clause!.Path, suggestion));
        _missing.Clear();
    }

    /// <summary>
    /// Warns, once, about tensors in the file that no layer asked for: usually a naming mismatch.
    /// Skipped after errors, since layers that failed never asked for their weights.
    /// </summary>
    public void ReportUnused()
    {
        if (_file is null || _diagnostics.HasErrors) return;
        var unused = _file.Entries.Keys.Where(k => !_used.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unused.Count > 0) _diagnostics.Add(Diag.UnusedWeights(_clauseAt, _clause!.Path, unused));
    }
}
