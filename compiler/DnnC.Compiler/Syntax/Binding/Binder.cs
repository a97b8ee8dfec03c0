using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Text;

namespace DnnC.Compiler.Syntax.Binding;

/// <summary>
/// Turns a parsed model into a <see cref="Graph"/> through <see cref="GraphBuilder"/>, which
/// infers shapes. It reports every error and keeps going: a value that failed is recorded as
/// poisoned (null), and anything computed from it is skipped silently, so one mistake gives one
/// diagnostic. Statements run top to bottom; names are assigned once.
/// </summary>
internal sealed partial class Binder : IOperatorHost
{
    private readonly SourceText _source;
    private readonly ModelSyntax _model;
    private readonly DiagnosticBag _diagnostics;
    private readonly GraphBuilder _builder;

    /// <summary>DSL name to IR value name; null marks a poisoned value.</summary>
    private readonly Dictionary<string, string?> _symbols = new(StringComparer.Ordinal);

    /// <summary>Where each name was first defined, for duplicate and ordering diagnostics.</summary>
    private readonly Dictionary<string, TextSpan> _definitions = new(StringComparer.Ordinal);

    private readonly StatementOrder _order;
    private WeightProvider _weights = null!;
    private StatementScope _scope = null!;

    private Binder(SourceText source, ModelSyntax model, DiagnosticBag diagnostics)
    {
        _source = source;
        _model = model;
        _diagnostics = diagnostics;
        _builder = new GraphBuilder(model.Name.Text);
        _order = new StatementOrder(model.Items);
    }

    public static Graph Bind(SourceText source, ModelSyntax model, DiagnosticBag diagnostics)
    {
        var binder = new Binder(source, model, diagnostics);
        return binder.BindModel();
    }

    private Graph BindModel()
    {
        foreach (var input in _model.Inputs) BindInput(input);
        _builder.Options = BindCompileSection();
        _weights = WeightProvider.Create(_source, _model.Items, _diagnostics, _builder);
        for (int i = 0; i < _model.Items.Count; i++)
        {
            switch (_model.Items[i])
            {
                case StatementSyntax statement:
                    BindStatement(statement, i);
                    break;
                case ErrorItemSyntax { Target: { } target } when !_symbols.ContainsKey(target):
                    _symbols[target] = null;
                    _definitions[target] = _model.Items[i].Span;
                    break;
            }
        }
        BindOutputs();
        _diagnostics.AddRange(_builder.Diagnostics.Items);
        _weights.ReportUnused();
        return _builder.Build();
    }

    private void BindInput(InputSyntax input)
    {
        string name = input.Name.Text;
        if (_definitions.TryGetValue(name, out var first))
        {
            Report(Diag.DuplicateName(At(input.Name.Span), name, LineOf(first)));
            return;
        }
        _definitions[name] = input.Name.Span;
        DType? dtype = input.DType.Text switch { "f32" => DType.F32, "f16" => DType.F16, _ => null };
        if (dtype is null)
            Report(Diag.UnknownDType(At(input.DType.Span), name, input.DType.Text, Diag.Suggest(input.DType.Text, ["f32", "f16"])));
        bool dimsOk = true;
        foreach (var dim in input.Dims)
        {
            if (dim.IntValue is > 0) continue;
            Report(Diag.InvalidDimension(At(dim.Span), name, dim.Text));
            dimsOk = false;
        }
        if (dimsOk && input.Dims.Aggregate(1.0, (a, d) => a * d.IntValue!.Value) > int.MaxValue)
        {
            Report(Diag.TensorTooLarge(At(input.Span), name, TensorType.FormatShape(input.Dims.Select(d => d.IntValue!.Value))));
            dimsOk = false;
        }
        if (dtype is null || !dimsOk)
        {
            _symbols[name] = null;
            return;
        }
        var type = new TensorType(dtype.Value, input.Dims.Select(d => d.IntValue!.Value).ToArray());
        _symbols[name] = _builder.Input(name, type, At(input.Span));
    }

    private void BindStatement(StatementSyntax statement, int index)
    {
        string name = statement.Target.Text;
        var options = BindAnnotations(statement.Annotations);
        bool duplicate = _definitions.TryGetValue(name, out var first);
        if (duplicate) Report(Diag.DuplicateName(At(statement.Target.Span), name, LineOf(first)));
        else _definitions[name] = statement.Target.Span;

        // A duplicate is still bound, to report the errors inside it, under a name nothing can reference.
        string scopeName = duplicate ? $"{name}~{index}" : name;
        _scope = new StatementScope(scopeName, index, options);
        var value = BindExpr(statement.Value, isRoot: true);
        if (!duplicate) _symbols[name] = value;
    }

    private void BindOutputs()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var output in _model.Outputs)
        {
            if (!seen.Add(output.Text))
            {
                Report(Diag.DuplicateOutput(At(output.Span), output.Text));
                continue;
            }
            if (_symbols.TryGetValue(output.Text, out var value))
            {
                if (value is not null) _builder.Output(output.Text, value);
                continue;
            }
            Report(Diag.UndefinedOutput(At(output.Span), output.Text, Diag.Suggest(output.Text, _symbols.Keys)));
        }
    }

    public void Report(Diagnostic diagnostic) => _diagnostics.Add(diagnostic);

    private SourceLocation At(TextSpan span) => new(_source, span);

    private int LineOf(TextSpan span) => _source.GetLineColumn(span.Start).Line + 1;
}
