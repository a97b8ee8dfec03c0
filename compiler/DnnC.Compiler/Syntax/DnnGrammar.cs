using DnnC.Compiler.Text;
using DnnC.Runtime;
using Sprache;

namespace DnnC.Compiler.Syntax;

/// <summary>
/// The Sprache form of <c>grammar/dnn.ebnf</c>: one parser field per grammar rule, named like
/// the rule. Every token parser consumes the trivia (blanks, newlines, <c># comments</c>) that
/// follows it, so a failing alternative that has not matched a character has consumed nothing,
/// which is what <c>XOr</c>/<c>XOptional</c>/<c>XMany</c> need to report errors where they are.
/// Fields are declared bottom-up because static initialisers run in order; the one cycle
/// (expr inside primary) goes through <see cref="Parse.Ref{T}"/>.
/// </summary>
internal static class DnnGrammar
{
    // ---- trivia and terminals -------------------------------------------------------------

    private static readonly Parser<string> Comment =
        from hash in Parse.Char('#')
        from rest in Parse.CharExcept('\n').Many()
        select "";

    /// <summary>trivia = { blank | newline | comment }</summary>
    public static readonly Parser<string> Trivia =
        Parse.WhiteSpace.Return("").Or(Comment).Many().Return("");

    private static Parser<TextSpan> Symbol(string text) =>
        (from s in Parse.String(text).Span()
         from t in Trivia
         select ToSpan(s)).Named($"'{text}'");

    private static readonly Parser<char> WordChar = Parse.LetterOrDigit.Or(Parse.Char('_'));

    private static Parser<TextSpan> Keyword(string word) =>
        (from s in Parse.String(word).Span()
         from end in WordChar.Not()
         from t in Trivia
         select ToSpan(s)).Named($"'{word}'");

    private static TextSpan ToSpan<T>(ITextSpan<T> s) => TextSpan.FromBounds(s.Start.Pos, s.End.Pos);

    private static TextSpan Cover(TextSpan first, TextSpan last) => TextSpan.FromBounds(first.Start, last.End);

    private static readonly Parser<string> IdentifierText =
        from head in Parse.Letter.Or(Parse.Char('_'))
        from tail in WordChar.Many().Text()
        select head + tail;

    private static readonly Parser<string> Digits = Parse.Digit.AtLeastOnce().Text();

    // ---- lexical rules ----------------------------------------------------------------------

    /// <summary>identifier = letter { letter | digit | "_" }</summary>
    public static readonly Parser<IdentifierSyntax> Identifier =
        (from s in IdentifierText.Span()
         from t in Trivia
         select new IdentifierSyntax(s.Value, ToSpan(s))).Named("a name");

    /// <summary>name = identifier { "." word }</summary>
    public static readonly Parser<NameSyntax> Name =
        (from s in (from head in IdentifierText
                    from parts in (from dot in Parse.Char('.') from w in WordChar.AtLeastOnce().Text() select "." + w).Many()
                    select head + string.Concat(parts)).Span()
         from t in Trivia
         select new NameSyntax(s.Value, ToSpan(s))).Named("a name");

    /// <summary>number = [ "-" ] digits [ "." digits ] [ ( "e" | "E" ) [ "+" | "-" ] digits ]</summary>
    public static readonly Parser<NumberSyntax> Number =
        (from s in (from sign in Parse.Char('-').Once().Text().Optional()
                    from whole in Digits
                    from frac in (from dot in Parse.Char('.') from d in Digits select "." + d).Optional()
                    from exp in (from e in Parse.Chars("eE")
                                 from es in Parse.Chars("+-").Once().Text().Optional()
                                 from d in Digits
                                 select e + es.GetOrElse("") + d).Optional()
                    select sign.GetOrElse("") + whole + frac.GetOrElse("") + exp.GetOrElse("")).Span()
         from t in Trivia
         select new NumberSyntax(s.Value, ToSpan(s))).Named("a number");

    /// <summary>ratio = digits ":" digits   (no blanks inside, as in 2:4)</summary>
    public static readonly Parser<RatioSyntax> Ratio =
        (from s in (from n in Digits from colon in Parse.Char(':') from d in Digits select (n, d)).Span()
         from t in Trivia
         select new RatioSyntax(ParseSmall(s.Value.n), ParseSmall(s.Value.d), ToSpan(s))).Named("a ratio such as 2:4");

    /// <summary>bool = "true" | "false"</summary>
    public static readonly Parser<BoolSyntax> Bool =
        Keyword("true").Select(s => new BoolSyntax(true, s))
            .Or(Keyword("false").Select(s => new BoolSyntax(false, s)));

    /// <summary>string = '"' { any character but '"' and newline } '"'</summary>
    public static readonly Parser<StringSyntax> String =
        (from s in (from open in Parse.Char('"')
                    from body in Parse.CharExcept("\"\n").Many().Text()
                    from close in Parse.Char('"').Named("a closing '\"'")
                    select body).Span()
         from t in Trivia
         select new StringSyntax(s.Value, ToSpan(s))).Named("a string");

    // ---- expressions --------------------------------------------------------------------------

    /// <summary>expr = pipeline</summary>
    public static readonly Parser<ExprSyntax> Expr = Parse.Ref(() => Pipeline!);

    /// <summary>argument = [ identifier ":" ] expr</summary>
    public static readonly Parser<ArgumentSyntax> Argument =
        from label in (from id in Identifier from colon in Symbol(":") select id).Optional()
        from value in Expr
        select new ArgumentSyntax(label.GetOrDefault(), value,
            label.IsDefined ? Cover(label.Get().Span, value.Span) : value.Span);

    /// <summary>arguments = "(" [ argument { "," argument } ] ")"</summary>
    public static readonly Parser<(EquatableArray<ArgumentSyntax> Items, TextSpan Close)> Arguments =
        from open in Symbol("(")
        from items in Argument.XDelimitedBy(Symbol(",")).XOptional()
        from close in Symbol(")")
        select (items.GetOrElse([]).ToEquatableArray(), close);

    /// <summary>list = "[" [ expr { "," expr } ] "]"</summary>
    public static readonly Parser<ListSyntax> List =
        from open in Symbol("[")
        from items in Expr.XDelimitedBy(Symbol(",")).XOptional()
        from close in Symbol("]")
        select new ListSyntax(items.GetOrElse([]).ToEquatableArray(), Cover(open, close));

    /// <summary>call_or_name = name [ arguments ]</summary>
    public static readonly Parser<ExprSyntax> CallOrName =
        from name in Name
        from args in Arguments.XOptional()
        select args.IsDefined
            ? new CallSyntax(new IdentifierSyntax(name.Name, name.Span), args.Get().Items, Cover(name.Span, args.Get().Close))
            : (ExprSyntax)name;

    /// <summary>parenthesized = "(" expr ")"</summary>
    public static readonly Parser<ExprSyntax> Parenthesized =
        from open in Symbol("(")
        from inner in Expr
        from close in Symbol(")")
        select inner;

    /// <summary>primary = parenthesized | list | ratio | number | bool | string | call_or_name</summary>
    public static readonly Parser<ExprSyntax> Primary =
        Parenthesized
            .XOr(List)
            .XOr(Ratio.Or<ExprSyntax>(Number))
            .XOr(Bool.Or<ExprSyntax>(String).Or(CallOrName))
            .Named("a value");

    /// <summary>term = primary { ( "*" | "/" ) primary }</summary>
    public static readonly Parser<ExprSyntax> Term =
        Parse.XChainOperator(
            Symbol("*").Return('*').Or(Symbol("/").Return('/')),
            Primary,
            (op, left, right) => new BinarySyntax(op, left, right, Cover(left.Span, right.Span)));

    /// <summary>sum = term { ( "+" | "-" ) term }</summary>
    public static readonly Parser<ExprSyntax> Sum =
        Parse.XChainOperator(
            Symbol("+").Return('+').Or(Symbol("-").Return('-')),
            Term,
            (op, left, right) => new BinarySyntax(op, left, right, Cover(left.Span, right.Span)));

    /// <summary>stage = identifier [ arguments ]</summary>
    public static readonly Parser<CallSyntax> Stage =
        from callee in Identifier
        from args in Arguments.XOptional()
        select new CallSyntax(callee, args.GetOrElse(([], callee.Span)).Items,
            args.IsDefined ? Cover(callee.Span, args.Get().Close) : callee.Span);

    /// <summary>pipeline = sum { "|>" stage }</summary>
    public static readonly Parser<ExprSyntax> Pipeline =
        from source in Sum
        from stages in (from pipe in Symbol("|>") from stage in Stage select stage).XMany()
        select stages.Any()
            ? new PipelineSyntax(source, stages.ToEquatableArray(), Cover(source.Span, stages.Last().Span))
            : source;

    // ---- model body ---------------------------------------------------------------------------

    /// <summary>annotation = "@" identifier [ "(" expr ")" ]</summary>
    public static readonly Parser<AnnotationSyntax> Annotation =
        from at in Symbol("@")
        from name in Identifier
        from arg in (from open in Symbol("(") from value in Expr from close in Symbol(")") select (value, close)).XOptional()
        select new AnnotationSyntax(name, arg.IsDefined ? arg.Get().value : null,
            Cover(at, arg.IsDefined ? arg.Get().close : name.Span));

    /// <summary>statement = { annotation } identifier "=" expr</summary>
    public static readonly Parser<StatementSyntax> Statement =
        from annotations in Annotation.XMany()
        from target in Identifier
        from eq in Symbol("=")
        from value in Expr
        select new StatementSyntax(annotations.ToEquatableArray(), target, value,
            Cover(annotations.Any() ? annotations.First().Span : target.Span, value.Span));

    /// <summary>weights_clause = "weights" ( string | "seed" number )</summary>
    public static readonly Parser<ItemSyntax> WeightsClause =
        from kw in Keyword("weights")
        from item in String.Select(s => (ItemSyntax)new WeightsFileSyntax(s.Value, s.Span, Cover(kw, s.Span)))
            .XOr(from seedKw in Keyword("seed")
                 from seed in Number
                 select (ItemSyntax)new WeightsSeedSyntax(seed, Cover(kw, seed.Span)))
        select item;

    /// <summary>compile_entry = identifier ":" expr</summary>
    public static readonly Parser<CompileEntrySyntax> CompileEntry =
        from key in Identifier
        from colon in Symbol(":")
        from value in Expr
        select new CompileEntrySyntax(key, value, Cover(key.Span, value.Span));

    /// <summary>compile_section = "compile" "{" { compile_entry [ "," ] } "}"</summary>
    public static readonly Parser<CompileSectionSyntax> CompileSection =
        from kw in Keyword("compile")
        from open in Symbol("{")
        from entries in (from e in CompileEntry from comma in Symbol(",").XOptional() select e).XMany()
        from close in Symbol("}")
        select new CompileSectionSyntax(entries.ToEquatableArray(), Cover(kw, close));

    /// <summary>item = weights_clause | compile_section | statement</summary>
    public static readonly Parser<ItemSyntax> Item =
        WeightsClause.Or(CompileSection).Or(Statement).Named("a statement");

    // ---- header -------------------------------------------------------------------------------

    /// <summary>input = identifier ":" identifier "[" number { "," number } "]"</summary>
    public static readonly Parser<InputSyntax> Input =
        from name in Identifier
        from colon in Symbol(":")
        from dtype in Identifier
        from open in Symbol("[")
        from dims in Number.XDelimitedBy(Symbol(","))
        from close in Symbol("]")
        select new InputSyntax(name, dtype, dims.ToEquatableArray(), Cover(name.Span, close));

    /// <summary>outputs = "(" identifier { "," identifier } ")" | identifier</summary>
    public static readonly Parser<EquatableArray<IdentifierSyntax>> Outputs =
        (from open in Symbol("(")
         from names in Identifier.XDelimitedBy(Symbol(","))
         from close in Symbol(")")
         select names.ToEquatableArray())
        .XOr(Identifier.Select(id => EquatableArray.Create(id)));

    /// <summary>header = "model" identifier "(" [ input { "," input } ] ")" "->" outputs "{"</summary>
    public static readonly Parser<(IdentifierSyntax Name, EquatableArray<InputSyntax> Inputs, EquatableArray<IdentifierSyntax> Outputs, TextSpan Start)> Header =
        from kw in Keyword("model")
        from name in Identifier
        from open in Symbol("(")
        from inputs in Input.XDelimitedBy(Symbol(",")).XOptional()
        from close in Symbol(")")
        from arrow in Symbol("->")
        from outputs in Outputs
        from brace in Symbol("{")
        select (name, inputs.GetOrElse([]).ToEquatableArray(), outputs, kw);

    /// <summary>
    /// model = trivia header { item end } "}" trivia. <see cref="DslParser"/> drives the body
    /// item by item to recover from errors; this whole-model parser is the rule as written.
    /// </summary>
    public static readonly Parser<ModelSyntax> Model =
        from lead in Trivia
        from header in Header
        from items in Item.XMany()
        from close in Symbol("}")
        from end in Parse.AnyChar.Not()
        select new ModelSyntax(header.Name, header.Inputs, header.Outputs, items.ToEquatableArray(), Cover(header.Start, close));

    private static int ParseSmall(string digits) => int.TryParse(digits, out int v) ? v : int.MaxValue;
}
