using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.Text;

namespace DnnC.Compiler.Syntax.Binding;

/// <summary>The outcome of matching a call's arguments against an operator's signature.</summary>
internal sealed record ArgumentMatch(
    bool Ok,
    IReadOnlyList<ExprSyntax> TensorArguments,
    IReadOnlyDictionary<string, BoundArgument> Arguments);

/// <summary>
/// Python-like argument matching. Leading positional arguments are tensor inputs while the
/// operator still takes inputs (a piped value counts as the first); literals are never tensor
/// inputs unless the operator allows scalars. The remaining positional arguments fill the
/// parameters in order, then named arguments fill them by name.
/// </summary>
internal static class ArgumentMatcher
{
    public static ArgumentMatch Match(
        OperatorSpec spec,
        CallSyntax call,
        bool hasPipedInput,
        Func<ExprSyntax, bool> isLiteral,
        Action<Diagnostic> report,
        SourceText source)
    {
        SourceLocation At(TextSpan span) => new(source, span);
        bool ok = true;
        var tensors = new List<ExprSyntax>();
        var values = new Dictionary<string, BoundArgument>(StringComparer.Ordinal);
        int inputCount = hasPipedInput ? 1 : 0;
        int nextParam = 0;
        var suggested = new HashSet<string>();  // misspelt names already reported with their fix
        bool tensorsDone = false;

        foreach (var arg in call.Arguments)
        {
            ParamSpec? param;
            if (arg.Name is null)
            {
                bool takesTensor = !tensorsDone && inputCount < spec.MaxInputs && (spec.LiteralInputs || !isLiteral(arg.Value));
                if (takesTensor)
                {
                    tensors.Add(arg.Value);
                    inputCount++;
                    continue;
                }
                tensorsDone = true;
                if (nextParam >= spec.Params.Count)
                {
                    report(Diag.TooManyArguments(At(arg.Span), spec.Name, spec.Params.Count, spec.AcceptedArguments));
                    ok = false;
                    continue;
                }
                param = spec.Params[nextParam++];
            }
            else
            {
                tensorsDone = true;
                param = spec.Param(arg.Name.Text);
                if (param is null)
                {
                    string? suggestion = Diag.Suggest(arg.Name.Text, spec.Params.Select(p => p.Name));
                    if (suggestion is not null) suggested.Add(suggestion);
                    report(Diag.UnknownArgument(At(arg.Name.Span), spec.Name, arg.Name.Text, suggestion, spec.AcceptedArguments));
                    ok = false;
                    continue;
                }
            }

            if (values.ContainsKey(param.Name))
            {
                report(Diag.DuplicateArgument(At(arg.Span), spec.Name, param.Name));
                ok = false;
                continue;
            }
            var converted = param.Convert(arg.Value);
            if (converted is null)
            {
                report(Diag.WrongArgumentType(At(arg.Value.Span), spec.Name, param.Name, param.Describe(), Describe(arg.Value)));
                ok = false;
                values[param.Name] = new BoundArgument(0, arg.Value);
                continue;
            }
            values[param.Name] = new BoundArgument(converted, arg.Value);
        }

        foreach (var missing in spec.Params.Where(p => p.Required && !values.ContainsKey(p.Name)))
        {
            ok = false;
            if (!suggested.Contains(missing.Name)) report(Diag.MissingArgument(At(call.Span), spec.Name, missing.Name, spec.Example));
        }
        if (inputCount < spec.MinInputs || inputCount > spec.MaxInputs)
        {
            string expected = spec.MinInputs == spec.MaxInputs ? $"{spec.MinInputs}"
                : spec.MaxInputs == int.MaxValue ? $"at least {spec.MinInputs}" : $"{spec.MinInputs} to {spec.MaxInputs}";
            report(Diag.WrongTensorInputCount(At(call.Span), spec.Name, expected, inputCount));
            ok = false;
        }
        return new ArgumentMatch(ok, tensors, values);
    }

    private static string Describe(ExprSyntax expr) => expr switch
    {
        NumberSyntax n => n.Text,
        BoolSyntax b => b.Value ? "true" : "false",
        StringSyntax s => $"\"{s.Value}\"",
        RatioSyntax r => $"{r.Numerator}:{r.Denominator}",
        ListSyntax => DslFormatter.FormatExpr(expr),
        NameSyntax n => $"the tensor '{n.Name}'",
        _ => "a tensor expression",
    };
}
