using System.Text;

namespace DnnC.Compiler.Syntax;

/// <summary>
/// Prints an AST back as canonical <c>.dnn</c> text: two-space indent, one item a line,
/// parentheses only where precedence needs them. Parsing the output gives the same tree.
/// </summary>
public static class DslFormatter
{
    private const int PipelineLevel = 0, SumLevel = 1, TermLevel = 2, PrimaryLevel = 3;

    public static string Format(ModelSyntax model)
    {
        var sb = new StringBuilder();
        sb.Append("model ").Append(model.Name.Text).Append('(')
          .Append(string.Join(", ", model.Inputs.Select(FormatInput)))
          .Append(") -> (").Append(string.Join(", ", model.Outputs.Select(o => o.Text))).Append(") {\n");
        foreach (var item in model.Items)
        {
            if (item is StatementSyntax s)
                foreach (var a in s.Annotations) sb.Append("  ").Append(FormatAnnotation(a)).Append('\n');
            sb.Append("  ").Append(FormatItem(item)).Append('\n');
        }
        sb.Append("}\n");
        return sb.ToString();
    }

    private static string FormatInput(InputSyntax input) =>
        $"{input.Name.Text}: {input.DType.Text}[{string.Join(", ", input.Dims.Select(d => d.Text))}]";

    private static string FormatItem(ItemSyntax item) => item switch
    {
        WeightsFileSyntax w => $"weights \"{w.Path}\"",
        WeightsSeedSyntax w => $"weights seed {w.Seed.Text}",
        CompileSectionSyntax c => "compile { " + string.Join(", ", c.Entries.Select(e => $"{e.Key.Text}: {FormatExpr(e.Value)}")) + " }",
        StatementSyntax s => $"{s.Target.Text} = {FormatExpr(s.Value)}",
        ErrorItemSyntax e => e.Text,
        _ => throw new ArgumentOutOfRangeException(nameof(item), item.GetType().Name),
    };

    private static string FormatAnnotation(AnnotationSyntax a) =>
        a.Argument is null ? $"@{a.Name.Text}" : $"@{a.Name.Text}({FormatExpr(a.Argument)})";

    public static string FormatExpr(ExprSyntax expr) => FormatExpr(expr, PipelineLevel);

    private static string FormatExpr(ExprSyntax expr, int minLevel)
    {
        int level = expr switch
        {
            PipelineSyntax => PipelineLevel,
            BinarySyntax { Operator: '+' or '-' } => SumLevel,
            BinarySyntax => TermLevel,
            _ => PrimaryLevel,
        };
        string text = expr switch
        {
            PipelineSyntax p => FormatExpr(p.Source, SumLevel) + string.Concat(p.Stages.Select(s => " |> " + FormatStage(s))),
            BinarySyntax b => $"{FormatExpr(b.Left, level)} {b.Operator} {FormatExpr(b.Right, level + 1)}",
            CallSyntax c => $"{c.Callee.Text}({FormatArguments(c)})",
            NameSyntax n => n.Name,
            NumberSyntax n => n.Text,
            BoolSyntax b => b.Value ? "true" : "false",
            StringSyntax s => $"\"{s.Value}\"",
            RatioSyntax r => $"{r.Numerator}:{r.Denominator}",
            ListSyntax l => "[" + string.Join(", ", l.Items.Select(i => FormatExpr(i))) + "]",
            _ => throw new ArgumentOutOfRangeException(nameof(expr), expr.GetType().Name),
        };
        return level < minLevel ? $"({text})" : text;
    }

    private static string FormatStage(CallSyntax stage) =>
        stage.Arguments.IsEmpty ? stage.Callee.Text : $"{stage.Callee.Text}({FormatArguments(stage)})";

    private static string FormatArguments(CallSyntax call) =>
        string.Join(", ", call.Arguments.Select(a => a.Name is null ? FormatExpr(a.Value) : $"{a.Name.Text}: {FormatExpr(a.Value)}"));
}
