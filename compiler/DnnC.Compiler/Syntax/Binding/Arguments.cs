namespace DnnC.Compiler.Syntax.Binding;

/// <summary>What an operator argument accepts.</summary>
internal enum ParamKind
{
    Int,
    Float,
    Bool,
    /// <summary>An integer, or [h, w]; read as two integers.</summary>
    IntPair,
    /// <summary>An integer, [h, w] or [top, left, bottom, right]; read as four integers.</summary>
    Pads,
    IntList,
}

/// <summary>A named operator argument. <see cref="Default"/> null and not required: "absent" has a meaning.</summary>
internal sealed record ParamSpec(string Name, ParamKind Kind, object? Default = null, bool Required = false)
{
    public static ParamSpec Req(string name, ParamKind kind) => new(name, kind, null, true);

    public string Describe() => Kind switch
    {
        ParamKind.Int => "an integer",
        ParamKind.Float => "a number",
        ParamKind.Bool => "true or false",
        ParamKind.IntPair => "an integer or [h, w]",
        ParamKind.Pads => "an integer, [h, w] or [top, left, bottom, right]",
        _ => "a list of integers such as [1, -1]",
    };

    /// <summary>Converts a literal to this parameter's value; null when it has the wrong type.</summary>
    public object? Convert(ExprSyntax expr) => Kind switch
    {
        ParamKind.Int => AsInt(expr),
        ParamKind.Float => expr is NumberSyntax n ? (float)n.Value : null,
        ParamKind.Bool => expr is BoolSyntax b ? b.Value : null,
        ParamKind.IntPair => AsInts(expr, 1, 2) is { } v ? (v.Length == 1 ? [v[0], v[0]] : v) : null,
        ParamKind.Pads => AsInts(expr, 1, 2, 4) is { } v ? ExpandPads(v) : null,
        _ => AsInts(expr),
    };

    private static object? AsInt(ExprSyntax expr) => expr is NumberSyntax { IntValue: { } v } ? v : null;

    private static int[]? AsInts(ExprSyntax expr, params int[] allowedCounts)
    {
        int[]? values = expr switch
        {
            NumberSyntax { IntValue: { } v } => [v],
            ListSyntax list when list.Items.All(i => i is NumberSyntax { IntValue: not null }) =>
                list.Items.Select(i => ((NumberSyntax)i).IntValue!.Value).ToArray(),
            _ => null,
        };
        if (values is null) return null;
        if (allowedCounts.Length == 0) return expr is ListSyntax ? values : null;
        return allowedCounts.Contains(values.Length) ? values : null;
    }

    private static int[] ExpandPads(int[] v) => v.Length switch
    {
        1 => [v[0], v[0], v[0], v[0]],
        2 => [v[0], v[1], v[0], v[1]],
        _ => v,
    };
}

/// <summary>An argument after matching: its converted value and where it was written.</summary>
internal sealed record BoundArgument(object Value, ExprSyntax Syntax);
