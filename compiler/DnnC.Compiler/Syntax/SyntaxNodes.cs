using DnnC.Compiler.Text;
using DnnC.Runtime;

namespace DnnC.Compiler.Syntax;

/// <summary>
/// The AST of a <c>.dnn</c> file. Every node carries the span it was parsed from; lists are
/// <see cref="EquatableArray{T}"/> so records compare by content.
/// </summary>
public abstract record SyntaxNode(TextSpan Span);

public sealed record IdentifierSyntax(string Text, TextSpan Span) : SyntaxNode(Span)
{
    public override string ToString() => Text;
}

/// <summary><c>model Name(inputs) -> (outputs) { items }</c>.</summary>
public sealed record ModelSyntax(
    IdentifierSyntax Name,
    EquatableArray<InputSyntax> Inputs,
    EquatableArray<IdentifierSyntax> Outputs,
    EquatableArray<ItemSyntax> Items,
    TextSpan Span) : SyntaxNode(Span);

/// <summary><c>x: f32[1, 3, 32, 32]</c>.</summary>
public sealed record InputSyntax(
    IdentifierSyntax Name,
    IdentifierSyntax DType,
    EquatableArray<NumberSyntax> Dims,
    TextSpan Span) : SyntaxNode(Span);

/// <summary>Something in a model body: a weights clause, a compile section or a statement.</summary>
public abstract record ItemSyntax(TextSpan Span) : SyntaxNode(Span);

/// <summary><c>weights "file.safetensors"</c>.</summary>
public sealed record WeightsFileSyntax(string Path, TextSpan PathSpan, TextSpan Span) : ItemSyntax(Span);

/// <summary><c>weights seed 7</c>.</summary>
public sealed record WeightsSeedSyntax(NumberSyntax Seed, TextSpan Span) : ItemSyntax(Span);

/// <summary><c>compile { key: value, ... }</c>.</summary>
public sealed record CompileSectionSyntax(EquatableArray<CompileEntrySyntax> Entries, TextSpan Span) : ItemSyntax(Span);

public sealed record CompileEntrySyntax(IdentifierSyntax Key, ExprSyntax Value, TextSpan Span) : SyntaxNode(Span);

/// <summary><c>@fp16</c> or <c>@sparse(2:4)</c> before a statement.</summary>
public sealed record AnnotationSyntax(IdentifierSyntax Name, ExprSyntax? Argument, TextSpan Span) : SyntaxNode(Span);

/// <summary><c>name = expr</c>, with the annotations written above it.</summary>
public sealed record StatementSyntax(
    EquatableArray<AnnotationSyntax> Annotations,
    IdentifierSyntax Target,
    ExprSyntax Value,
    TextSpan Span) : ItemSyntax(Span);

/// <summary>
/// A statement that did not parse. The parser keeps its raw text and, when it could tell, the
/// name it assigns, so the binder treats that name as poisoned instead of reporting it undefined.
/// </summary>
public sealed record ErrorItemSyntax(string Text, string? Target, TextSpan Span) : ItemSyntax(Span);

public abstract record ExprSyntax(TextSpan Span) : SyntaxNode(Span);

/// <summary>A value name; may be dotted to reach a layer inside a statement (<c>a.conv2d</c>).</summary>
public sealed record NameSyntax(string Name, TextSpan Span) : ExprSyntax(Span);

/// <summary>A numeric literal, kept as written so formatting round-trips exactly.</summary>
public sealed record NumberSyntax(string Text, TextSpan Span) : ExprSyntax(Span)
{
    public bool IsInteger => !Text.Contains('.') && !Text.Contains('e') && !Text.Contains('E');

    public double Value => double.Parse(Text, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The integer value, or null when the literal is not an integer or overflows an int.</summary>
    public int? IntValue => IsInteger && int.TryParse(Text, System.Globalization.CultureInfo.InvariantCulture, out int v) ? v : null;
}

public sealed record BoolSyntax(bool Value, TextSpan Span) : ExprSyntax(Span);

public sealed record StringSyntax(string Value, TextSpan Span) : ExprSyntax(Span);

/// <summary><c>2:4</c>, as in <c>@sparse(2:4)</c>.</summary>
public sealed record RatioSyntax(int Numerator, int Denominator, TextSpan Span) : ExprSyntax(Span);

/// <summary><c>[1, -1]</c> or <c>[h100, a100]</c>.</summary>
public sealed record ListSyntax(EquatableArray<ExprSyntax> Items, TextSpan Span) : ExprSyntax(Span);

/// <summary><c>a + b</c>, <c>a - b</c>, <c>a * b</c>, <c>a / b</c>.</summary>
public sealed record BinarySyntax(char Operator, ExprSyntax Left, ExprSyntax Right, TextSpan Span) : ExprSyntax(Span);

/// <summary>One argument of a call: positional when <see cref="Name"/> is null.</summary>
public sealed record ArgumentSyntax(IdentifierSyntax? Name, ExprSyntax Value, TextSpan Span) : SyntaxNode(Span);

/// <summary>
/// <c>op(args)</c>, or a pipeline stage <c>op</c> / <c>op(args)</c> that receives the piped value
/// as its first input.
/// </summary>
public sealed record CallSyntax(IdentifierSyntax Callee, EquatableArray<ArgumentSyntax> Arguments, TextSpan Span) : ExprSyntax(Span);

/// <summary><c>source |> stage |> stage</c>.</summary>
public sealed record PipelineSyntax(ExprSyntax Source, EquatableArray<CallSyntax> Stages, TextSpan Span) : ExprSyntax(Span);
