using System.Text.RegularExpressions;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.Text;
using DnnC.Runtime;
using Sprache;

namespace DnnC.Compiler.Syntax;

/// <summary>
/// Drives <see cref="DnnGrammar"/> over a file: the header, then the body one item at a time.
/// A bad item is reported, kept as an <see cref="ErrorItemSyntax"/>, and parsing resumes at the
/// next line that starts a new item, so one typo does not hide the errors below it.
/// </summary>
public static partial class DslParser
{
    /// <summary>Parses a model; null when even its header could not be read.</summary>
    public static ModelSyntax? Parse(SourceText source, DiagnosticBag diagnostics)
    {
        string text = source.Content;
        int pos = SkipTrivia(text, 0);
        var header = DnnGrammar.Header(new SourceInput(text, pos));
        int bodyStart;
        if (header.WasSuccessful)
        {
            bodyStart = header.Remainder.Position;
        }
        else
        {
            diagnostics.Add(SyntaxError(source, header));
            int brace = text.IndexOf('{', header.Remainder.Position);
            if (brace < 0) return null;
            bodyStart = SkipTrivia(text, brace + 1);
        }

        var (items, end) = ParseBody(source, bodyStart, header.WasSuccessful ? header.Value.Name.Text : "?", diagnostics);
        if (!header.WasSuccessful) return null;
        var (name, inputs, outputs, start) = header.Value;
        return new ModelSyntax(name, inputs, outputs, items, TextSpan.FromBounds(start.Start, end));
    }

    private static (EquatableArray<ItemSyntax> Items, int End) ParseBody(SourceText source, int pos, string model, DiagnosticBag diagnostics)
    {
        string text = source.Content;
        var items = new List<ItemSyntax>();
        while (true)
        {
            if (pos >= text.Length)
            {
                diagnostics.Add(Diag.UnclosedModel(At(source, text.Length, 0), model));
                return (items.ToEquatableArray(), text.Length);
            }
            if (text[pos] == '}')
            {
                int after = SkipTrivia(text, pos + 1);
                if (after < text.Length)
                    diagnostics.Add(Diag.TextAfterModel(At(source, after, TokenLength(text, after)), Describe(text, after)));
                return (items.ToEquatableArray(), pos + 1);
            }

            var result = DnnGrammar.Item(new SourceInput(text, pos));
            if (result.WasSuccessful)
            {
                items.Add(result.Value);
                int next = result.Remainder.Position;
                if (IsTerminated(text, result.Value.Span.End, next))
                {
                    pos = next < text.Length && text[next] == ';' ? SkipTrivia(text, next + 1) : next;
                    continue;
                }
                diagnostics.Add(Diag.ExpectedEndOfStatement(At(source, next, TokenLength(text, next)), Describe(text, next)));
                pos = Recover(text, next, isCompileSection: false);
                continue;
            }

            diagnostics.Add(SyntaxError(source, result));
            int resume = Recover(text, result.Remainder.Position, text.AsSpan(pos).StartsWith("compile"));
            string raw = text[pos..resume].TrimEnd();
            var target = StatementTarget().Match(raw);
            items.Add(new ErrorItemSyntax(raw, target.Success ? target.Groups[1].Value : null, new TextSpan(pos, raw.Length)));
            pos = resume;
        }
    }

    /// <summary>An item ends at a newline (inside its trailing trivia), a ';', a '}' or the end of the file.</summary>
    private static bool IsTerminated(string text, int itemEnd, int next) =>
        next >= text.Length || text[next] is ';' or '}' || text.AsSpan(itemEnd, next - itemEnd).Contains('\n');

    /// <summary>The start of the next line that begins an item (or closes the model).</summary>
    private static int Recover(string text, int from, bool isCompileSection)
    {
        if (isCompileSection)
        {
            int close = text.IndexOf('}', from);
            if (close >= 0) from = close + 1;
        }
        int pos = text.IndexOf('\n', Math.Min(from, text.Length));
        while (pos >= 0)
        {
            int lineStart = pos + 1;
            if (ItemStart().IsMatch(text.AsSpan(lineStart))) return SkipTrivia(text, lineStart);
            pos = text.IndexOf('\n', lineStart);
        }
        return text.Length;
    }

    [GeneratedRegex(@"^[ \t]*(@|[A-Za-z_][A-Za-z0-9_]*[ \t]*=|weights\b|compile\b|\})")]
    private static partial Regex ItemStart();

    [GeneratedRegex(@"^(?:@\w+(?:\([^)\n]*\))?\s*)*([A-Za-z_][A-Za-z0-9_]*)\s*=")]
    private static partial Regex StatementTarget();

    internal static int SkipTrivia(string text, int pos)
    {
        var r = DnnGrammar.Trivia(new SourceInput(text, pos));
        return r.WasSuccessful ? r.Remainder.Position : pos;
    }

    private static Diagnostic SyntaxError<T>(SourceText source, IResult<T> failure)
    {
        int at = failure.Remainder.Position;
        var expected = failure.Expectations.Distinct().ToList();
        string expectedText = expected.Count switch
        {
            0 => "a statement",
            1 => expected[0],
            _ => string.Join(", ", expected.Take(expected.Count - 1)) + " or " + expected[^1],
        };
        return Diag.SyntaxError(At(source, at, TokenLength(source.Content, at)), expectedText, Describe(source.Content, at));
    }

    private static SourceLocation At(SourceText source, int start, int length) => new(source, new TextSpan(start, length));

    private static int TokenLength(string text, int pos)
    {
        if (pos >= text.Length) return 0;
        int end = pos;
        while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_')) end++;
        return Math.Max(1, end - pos);
    }

    /// <summary>The token at an offset, for "found ..." in messages.</summary>
    private static string Describe(string text, int pos)
    {
        if (pos >= text.Length) return "the end of the file";
        if (text[pos] == '\n' || text[pos] == '\r') return "the end of the line";
        return $"'{text.Substring(pos, TokenLength(text, pos))}'";
    }
}
