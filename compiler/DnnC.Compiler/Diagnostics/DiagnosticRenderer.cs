using System.Text;

namespace DnnC.Compiler.Diagnostics;

/// <summary>
/// Prints diagnostics the way Roslyn and Bicep do (<c>file(line,col): error CODE: message</c>),
/// then, as rustc and Elm do, the source line with a caret under the span and a help line.
/// </summary>
public static class DiagnosticRenderer
{
    public static string Render(Diagnostic d)
    {
        var sb = new StringBuilder();
        var loc = d.Location;
        string severity = d.Severity == Severity.Error ? "error" : "warning";
        if (loc.Source is { } source)
        {
            var (line, col) = source.GetLineColumn(loc.Span.Start);
            sb.Append($"{source.Path}({line + 1},{col + 1}): {severity} {d.Code}: {d.Message}\n");
            string text = source.GetLine(line);
            string gutter = $"{line + 1} | ";
            sb.Append(gutter).Append(text.Replace('\t', ' ')).Append('\n');
            int width = Math.Max(1, Math.Min(loc.Span.Length, text.Length - col));
            sb.Append(new string(' ', gutter.Length + col)).Append(new string('^', width)).Append('\n');
        }
        else if (loc.Path is { } path)
        {
            sb.Append($"{path}: {severity} {d.Code}: {d.Message}\n");
        }
        else
        {
            sb.Append($"dnnc: {severity} {d.Code}: {d.Message}\n");
        }
        if (d.Help is { } help) sb.Append("  help: ").Append(help).Append('\n');
        return sb.ToString();
    }

    public static string RenderAll(IEnumerable<Diagnostic> diagnostics) =>
        string.Concat(diagnostics.Select(Render));
}
