using DnnC.Compiler.Text;

namespace DnnC.Compiler.Diagnostics;

/// <summary>DNN1xxx: the .dnn DSL's syntax and binding.</summary>
public static partial class Diag
{
    // ---- DNN100x: syntax -------------------------------------------------------------------

    public static Diagnostic SyntaxError(SourceLocation at, string expected, string found) =>
        Error("DNN1001", at, $"syntax error: expected {expected}, found {found}");

    public static Diagnostic ExpectedEndOfStatement(SourceLocation at, string found) =>
        Error("DNN1002", at, $"expected the end of the statement, found {found}",
            "put one statement per line, or separate statements with ';'");

    public static Diagnostic UnclosedModel(SourceLocation at, string model) =>
        Error("DNN1003", at, $"model '{model}' is not closed", "add a '}' at the end of the model");

    public static Diagnostic TextAfterModel(SourceLocation at, string found) =>
        Error("DNN1004", at, $"unexpected {found} after the end of the model", "a .dnn file holds one model");

    // ---- DNN101x: names and values --------------------------------------------------------------

    public static Diagnostic UnknownDType(SourceLocation at, string input, string dtype, string? suggestion) =>
        Error("DNN1010", at, $"input '{input}' has unknown element type '{dtype}'" + DidYouMean(suggestion),
            "inputs are f32 or f16");

    public static Diagnostic InvalidDimension(SourceLocation at, string input, string dim) =>
        Error("DNN1011", at, $"input '{input}' has invalid dimension '{dim}'", "dimensions are positive integers");

    public static Diagnostic DuplicateName(SourceLocation at, string name, int firstLine) =>
        Error("DNN1012", at, $"'{name}' is already defined (line {firstLine})",
            "every name is assigned once; give this value a new name");

    public static Diagnostic UndefinedName(SourceLocation at, string name, string? suggestion) =>
        Error("DNN1013", at, $"'{name}' is not defined" + DidYouMean(suggestion));

    public static Diagnostic UsedBeforeDefinition(SourceLocation at, string name, int line) =>
        Error("DNN1014", at, $"'{name}' is used before it is defined (line {line})",
            "statements run top to bottom; move the definition above this use");

    public static Diagnostic Cycle(SourceLocation at, string path) =>
        Error("DNN1015", at, $"cycle: {path}", "a value cannot depend on itself; break the loop with a new name");

    public static Diagnostic UndefinedOutput(SourceLocation at, string name, string? suggestion) =>
        Error("DNN1016", at, $"output '{name}' is not defined in the model body" + DidYouMean(suggestion));

    public static Diagnostic DuplicateOutput(SourceLocation at, string name) =>
        Error("DNN1017", at, $"output '{name}' is listed twice");

    public static Diagnostic NotATensor(SourceLocation at, string what) =>
        Error("DNN1018", at, $"expected a tensor here, found {what}");

    // ---- DNN102x: operators and arguments ----------------------------------------------------

    public static Diagnostic UnknownOperator(SourceLocation at, string name, string? suggestion) =>
        Error("DNN1020", at, $"unknown operator '{name}'" + DidYouMean(suggestion));

    public static Diagnostic UnknownArgument(SourceLocation at, string op, string name, string? suggestion, string accepted) =>
        Error("DNN1021", at, $"'{op}' has no argument '{name}'" + DidYouMean(suggestion), $"'{op}' accepts: {accepted}");

    public static Diagnostic MissingArgument(SourceLocation at, string op, string name, string example) =>
        Error("DNN1022", at, $"'{op}' needs the argument '{name}'", $"for example: {example}");

    public static Diagnostic WrongArgumentType(SourceLocation at, string op, string name, string expected, string actual) =>
        Error("DNN1023", at, $"argument '{name}' of '{op}' must be {expected}, got {actual}");

    public static Diagnostic DuplicateArgument(SourceLocation at, string op, string name) =>
        Error("DNN1024", at, $"argument '{name}' of '{op}' is given twice");

    public static Diagnostic TooManyArguments(SourceLocation at, string op, int max, string accepted) =>
        Error("DNN1025", at, max == 0 ? $"'{op}' takes no arguments" : $"too many positional arguments for '{op}' (it takes at most {max})",
            max == 0 ? null : $"'{op}' accepts: {accepted}");

    public static Diagnostic InvalidArgumentValue(SourceLocation at, string op, string name, string detail, string? help = null) =>
        Error("DNN1026", at, $"invalid '{name}' for '{op}': {detail}", help);

    public static Diagnostic WrongTensorInputCount(SourceLocation at, string op, string expected, int actual) =>
        Error("DNN1027", at, $"'{op}' takes {expected} tensor input(s) but was given {actual}",
            actual == 0 ? $"pipe a value into it: x |> {op}(...)" : null);

    // ---- DNN103x: annotations ---------------------------------------------------------------

    public static Diagnostic UnknownAnnotation(SourceLocation at, string name, string? suggestion) =>
        Error("DNN1030", at, $"unknown annotation '@{name}'" + DidYouMean(suggestion),
            "annotations are @fp16, @fp32, @sparse(2:4), @bits(2), @bits(16), @bits(32)");

    public static Diagnostic InvalidAnnotationArgument(SourceLocation at, string name, string detail, string expected) =>
        Error("DNN1031", at, $"invalid argument for '@{name}': {detail}", $"write {expected}");

    public static Diagnostic ConflictingAnnotations(SourceLocation at, string name, string earlier) =>
        Error("DNN1032", at, $"'@{name}' conflicts with '{earlier}' on the same statement");

    // ---- DNN104x: model-level sections ------------------------------------------------------

    public static Diagnostic UnknownCompileKey(SourceLocation at, string key, string? suggestion) =>
        Error("DNN1040", at, $"unknown compile option '{key}'" + DidYouMean(suggestion),
            "compile options are target, precision, sparsity, weight_bits, tail");

    public static Diagnostic InvalidCompileValue(SourceLocation at, string key, string value, string allowed, string? suggestion) =>
        Error("DNN1041", at, $"invalid value '{value}' for compile option '{key}'" + DidYouMean(suggestion),
            $"'{key}' accepts {allowed}");

    public static Diagnostic DuplicateCompileKey(SourceLocation at, string key) =>
        Error("DNN1042", at, $"compile option '{key}' is set twice");

    public static Diagnostic DuplicateSection(SourceLocation at, string section, int firstLine) =>
        Error("DNN1043", at, $"the model already has a {section} (line {firstLine})", $"keep one {section}");

    public static Diagnostic InvalidSeed(SourceLocation at, string text) =>
        Error("DNN1044", at, $"invalid weight seed '{text}'", "the seed is a non-negative integer, e.g. weights seed 7");

    private static string DidYouMean(string? suggestion) => suggestion is null ? "" : $" — did you mean '{suggestion}'?";
}
