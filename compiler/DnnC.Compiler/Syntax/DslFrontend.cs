using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Syntax.Binding;
using DnnC.Compiler.Text;

namespace DnnC.Compiler.Syntax;

/// <summary>The <c>.dnn</c> front end: parse, bind (with shape inference), load weights.</summary>
public static class DslFrontend
{
    /// <summary>
    /// Loads a model. Every error found is added to <paramref name="diagnostics"/>, in source
    /// order; the result is null when any of them is an error.
    /// </summary>
    public static Graph? Load(SourceText source, DiagnosticBag diagnostics)
    {
        var local = new DiagnosticBag();
        var model = DslParser.Parse(source, local);
        Graph? graph = model is null ? null : Binder.Bind(source, model, local);
        var ordered = local.Items
            .Select((d, i) => (d, i))
            .OrderBy(x => x.d.Location.Source is null ? int.MaxValue : x.d.Location.Span.Start)
            .ThenBy(x => x.i)
            .Select(x => x.d);
        diagnostics.AddRange(ordered);
        return local.HasErrors ? null : graph;
    }

    /// <summary>Parses without binding; for tools and tests. Null when the header is unreadable.</summary>
    public static ModelSyntax? Parse(SourceText source, DiagnosticBag diagnostics) => DslParser.Parse(source, diagnostics);

    /// <summary>Pretty-prints a model; parsing the result gives a structurally equal tree.</summary>
    public static string Format(ModelSyntax model) => DslFormatter.Format(model);
}
