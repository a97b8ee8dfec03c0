using DnnC.Compiler.Text;

namespace DnnC.Compiler.Diagnostics;

/// <summary>DNN30xx: weight files named by a model's <c>weights</c> clause.</summary>
public static partial class Diag
{
    public static Diagnostic WeightsFileUnreadable(SourceLocation at, string path, string reason) =>
        Error("DNN3001", at, $"cannot read weights file '{path}': {reason}");

    public static Diagnostic WeightsFileMalformed(SourceLocation at, string path, string detail) =>
        Error("DNN3002", at, $"'{path}' is not a valid safetensors file: {detail}");

    public static Diagnostic MissingWeight(SourceLocation at, string key, string path, string? suggestion) =>
        Error("DNN3003", at, $"weight '{key}' is not in '{path}'" + DidYouMean(suggestion),
            "weights are named <statement>.<layer>.weight / .bias (see grammar/README.md)");

    public static Diagnostic WeightShapeMismatch(SourceLocation at, string key, string expected, string actual) =>
        Error("DNN3004", at, $"weight '{key}' has shape {actual} but the layer needs {expected}");

    public static Diagnostic UnsupportedWeightDType(SourceLocation at, string key, string dtype) =>
        Error("DNN3005", at, $"weight '{key}' has unsupported dtype '{dtype}'", "store weights as F32 or F16");

    public static Diagnostic UnusedWeights(SourceLocation at, string path, IReadOnlyList<string> keys) =>
        Warning("DNN3006", at, $"{keys.Count} tensor(s) in '{path}' are not used by the model: {string.Join(", ", keys.Take(5))}"
            + (keys.Count > 5 ? ", ..." : ""));
}
