using DnnC.Compiler.Text;

namespace DnnC.Compiler.Diagnostics;

public enum Severity { Error, Warning }

/// <summary>One reported problem. Created only through the factory methods of <see cref="Diag"/>.</summary>
public sealed record Diagnostic(string Code, Severity Severity, string Message, SourceLocation Location, string? Help = null)
{
    public bool IsError => Severity == Severity.Error;
}

/// <summary>Collects diagnostics; every stage reports all it finds rather than stopping at the first.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = new();

    public IReadOnlyList<Diagnostic> Items => _items;
    public bool HasErrors => _items.Any(d => d.IsError);

    public void Add(Diagnostic diagnostic)
    {
        // The same problem reached twice (for example through two consumers) is reported once.
        if (!_items.Contains(diagnostic)) _items.Add(diagnostic);
    }

    public void AddRange(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics) Add(d);
    }
}

/// <summary>Raised to abandon a stage once its diagnostics are in the bag; never escapes the CLI.</summary>
public sealed class CompilationFailedException(IReadOnlyList<Diagnostic> diagnostics)
    : Exception(diagnostics.Count > 0 ? diagnostics[0].Message : "compilation failed")
{
    public IReadOnlyList<Diagnostic> Diagnostics { get; } = diagnostics;
}
