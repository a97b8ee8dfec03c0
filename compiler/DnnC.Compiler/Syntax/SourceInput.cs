using Sprache;

namespace DnnC.Compiler.Syntax;

/// <summary>
/// A Sprache input that can start at any offset (Sprache's own <c>Input</c> only starts at 0),
/// so the parser can resume statement by statement after an error. Line and column are not
/// tracked: spans are offsets and <see cref="Text.SourceText"/> computes lines when printing.
/// </summary>
internal sealed class SourceInput(string source, int position) : IInput
{
    public string Source { get; } = source;
    public int Position { get; } = position;
    public char Current => Source[Position];
    public bool AtEnd => Position >= Source.Length;
    public int Line => 1;
    public int Column => Position + 1;
    public IDictionary<object, object> Memos { get; } = new Dictionary<object, object>();

    public IInput Advance()
    {
        if (AtEnd) throw new InvalidOperationException("cannot advance past the end of the input");
        return new SourceInput(Source, Position + 1);
    }

    public bool Equals(IInput? other) =>
        other is not null && ReferenceEquals(Source, other.Source) && Position == other.Position;

    public override bool Equals(object? obj) => obj is IInput other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(Source, Position);
}
