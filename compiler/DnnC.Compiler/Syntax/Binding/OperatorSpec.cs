namespace DnnC.Compiler.Syntax.Binding;

/// <summary>
/// An operator as the DSL sees it: how many tensor inputs it takes, its named arguments in
/// positional order, and how it lowers to IR nodes. <see cref="LiteralInputs"/> lets a number
/// stand for a tensor input (a scalar constant), as in <c>x * 0.5</c> or <c>add(x, 1)</c>.
/// </summary>
internal sealed record OperatorSpec(
    string Name,
    int MinInputs,
    int MaxInputs,
    IReadOnlyList<ParamSpec> Params,
    string Example,
    Func<OperatorCall, string?> Lower,
    bool LiteralInputs = false)
{
    public ParamSpec? Param(string name) => Params.FirstOrDefault(p => p.Name == name);

    public string AcceptedArguments => Params.Count == 0 ? "no arguments" : string.Join(", ", Params.Select(p => p.Name));
}
