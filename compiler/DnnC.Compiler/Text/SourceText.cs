namespace DnnC.Compiler.Text;

/// <summary>A source file's text with its line starts, so spans stay offsets until printed.</summary>
public sealed class SourceText
{
    private readonly int[] _lineStarts;

    public SourceText(string path, string content)
    {
        Path = path;
        Content = content;
        var starts = new List<int> { 0 };
        for (int i = 0; i < content.Length; i++)
            if (content[i] == '\n') starts.Add(i + 1);
        _lineStarts = starts.ToArray();
    }

    public string Path { get; }
    public string Content { get; }

    /// <summary>Zero-based line and column of an offset.</summary>
    public (int Line, int Column) GetLineColumn(int offset)
    {
        offset = Math.Clamp(offset, 0, Content.Length);
        int line = Array.BinarySearch(_lineStarts, offset);
        if (line < 0) line = ~line - 1;
        return (line, offset - _lineStarts[line]);
    }

    public string GetLine(int line)
    {
        int start = _lineStarts[line];
        int end = line + 1 < _lineStarts.Length ? _lineStarts[line + 1] : Content.Length;
        return Content[start..end].TrimEnd('\r', '\n');
    }
}

/// <summary>A half-open range of character offsets.</summary>
public readonly record struct TextSpan(int Start, int Length)
{
    public int End => Start + Length;
    public static TextSpan FromBounds(int start, int end) => new(start, Math.Max(0, end - start));
}

/// <summary>
/// Where something came from: a span in a source file, or only a file (ONNX, CLI). Equality is
/// real: the same diagnostic at two places is two diagnostics. Tests that compare IR structurally
/// strip locations first (TestSupport's IrComparer).
/// </summary>
public sealed record SourceLocation(SourceText? Source, TextSpan Span, string? FilePath = null)
{
    public static readonly SourceLocation None = new(null, default);

    public static SourceLocation InFile(string path) => new(null, default, path);

    public string? Path => Source?.Path ?? FilePath;
}
