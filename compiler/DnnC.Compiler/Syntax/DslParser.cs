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

            // The item may not run past the next line that starts another item: an expression
            // cannot contain '=' or '@', so such a line always begins a new statement.
            int boundary = NextItemLine(text, pos);
            string window = boundary < text.Length ? text[..boundary] : text;
            var result = DnnGrammar.Item(new SourceInput(window, pos));
            if (result.WasSuccessful)
            {
                items.Add(result.Value);
                int next = result.Remainder.Position;
                if (IsTerminated(text, result.Value.Span.End, next))
                {
                    pos = SkipTrivia(text, next < text.Length && text[next] == ';' ? next + 1 : next);
                    continue;
                }
                diagnostics.Add(Diag.ExpectedEndOfStatement(At(source, next, TokenLength(text, next)), Describe(text, next)));
                pos = SkipTrivia(text, Resume(text, next, boundary, isCompileSection: false));
                continue;
            }

            diagnostics.Add(SyntaxError(source, result, window.Length));
            int resume = Resume(text, result.Remainder.Position, boundary, text.AsSpan(pos).StartsWith("compile"));
            string raw = text[pos..resume].TrimEnd();
            var target = StatementTarget().Match(raw);
            items.Add(new ErrorItemSyntax(raw, target.Success ? target.Groups[1].Value : null, new TextSpan(pos, raw.Length)));
            pos = SkipTrivia(text, resume);
        }
    }

    /// <summary>
    /// Where to carry on after a bad item: the boundary of the next item, or earlier at a line
    /// holding only the model's closing brace. A bad compile section ends at its own brace.
    /// </summary>
    private static int Resume(string text, int failure, int boundary, bool isCompileSection)
    {
        failure = Math.Min(failure, boundary);
        if (isCompileSection)
        {
            int close = text.IndexOf('}', failure);
            if (close >= 0 && close < boundary) return close + 1;
        }
        int lineStart = failure == 0 ? 0 : text.LastIndexOf('\n', failure - 1) + 1;
        bool failureStartsLine = text.AsSpan(lineStart, failure - lineStart).IsWhiteSpace();
        int scan = failureStartsLine ? lineStart : text.IndexOf('\n', failure) + 1;
        while (scan > 0 && scan < boundary)
        {
            if (ClosingBraceLine().IsMatch(text.AsSpan(scan))) return scan;
            int nl = text.IndexOf('\n', scan);
            scan = nl < 0 ? boundary : nl + 1;
        }
        return boundary;
    }

    [GeneratedRegex(@"\A[ \t]*\}[ \t]*(#.*)?\r?$", RegexOptions.Multiline)]
    private static partial Regex ClosingBraceLine();

    /// <summary>An item ends at a newline (inside its trailing trivia), a ';', a '}' or the end of the file.</summary>
    private static bool IsTerminated(string text, int itemEnd, int next) =>
        next >= text.Length || text[next] is ';' or '}' || text.AsSpan(itemEnd, next - itemEnd).Contains('\n');

    /// <summary>
    /// Where the item starting at <paramref name="pos"/> must end at the latest: the first line
    /// after its head (the line holding "name =", past any annotation lines) that starts an item.
    /// </summary>
    private static int NextItemLine(string text, int pos)
    {
        int lineStart = text.LastIndexOf('\n', Math.Max(0, pos - 1)) + 1;
        if (pos == 0) lineStart = 0;
        while (lineStart < text.Length && AnnotationLine().IsMatch(text.AsSpan(lineStart)))
        {
            int nl = text.IndexOf('\n', lineStart);
            if (nl < 0) return text.Length;
            lineStart = nl + 1;
        }
        int next = text.IndexOf('\n', lineStart);
        while (next >= 0)
        {
            int candidate = next + 1;
            if (ItemStart().IsMatch(text.AsSpan(candidate))) return candidate;
            next = text.IndexOf('\n', candidate);
        }
        return text.Length;
    }

    [GeneratedRegex(@"\A[ \t]*(@\w+(\([^)\n]*\))?[ \t]*)+(#.*)?\r?$", RegexOptions.Multiline)]
    private static partial Regex AnnotationLine();

    [GeneratedRegex(@"^[ \t]*(@|[A-Za-z_][A-Za-z0-9_]*[ \t]*=|weights\b|compile\b)")]
    private static partial Regex ItemStart();

    [GeneratedRegex(@"^(?:@\w+(?:\([^)\n]*\))?\s*)*([A-Za-z_][A-Za-z0-9_]*)\s*=")]
    private static partial Regex StatementTarget();

    internal static int SkipTrivia(string text, int pos)
    {
        var r = DnnGrammar.Trivia(new SourceInput(text, pos));
        return r.WasSuccessful ? r.Remainder.Position : pos;
    }

    private static Diagnostic SyntaxError<T>(SourceText source, IResult<T> failure, int windowEnd = int.MaxValue)
    {
        int at = failure.Remainder.Position;
        if (at >= windowEnd && windowEnd < source.Content.Length)
        {
            // The item ran into the next one: point just after its last character.
            int end = windowEnd;
            while (end > 0 && char.IsWhiteSpace(source.Content[end - 1])) end--;
            return Diag.SyntaxError(At(source, end, 1), ExpectedText(failure), "the end of the line");
        }
        return Diag.SyntaxError(At(source, at, TokenLength(source.Content, at)), ExpectedText(failure), Describe(source.Content, at));
    }

    private static string ExpectedText<T>(IResult<T> failure)
    {
        var expected = failure.Expectations.Distinct().ToList();
        return expected.Count switch
        {
            0 => "a statement",
            1 => expected[0],
            _ => string.Join(", ", expected.Take(expected.Count - 1)) + " or " + expected[^1],
        };
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
