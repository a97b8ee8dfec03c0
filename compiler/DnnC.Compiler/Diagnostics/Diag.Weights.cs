using DnnC.Compiler.Text;

namespace DnnC.Compiler.Diagnostics;

/// <summary>DNN30xx: weight files named by a model's <c>weights</c> clause.</summary>
public static partial class Diag
{
    public static Diagnostic WeightsFileUnreadable(SourceLocation at, string path, string reason) =>
        Error("DNN3001", at, $"cannot read weights file '{path}': {reason}");

    public static Diagnostic WeightsFileMalformed(SourceLocation at, string path, string detail) =>
        Error("DNN3002", at, $"'{path}' is not a valid safetensors file: {detail}");

    /// <summary>All the weights one layer misses, in one message.</summary>
    public static Diagnostic MissingWeight(SourceLocation at, IReadOnlyList<string> keys, string path, string? suggestion) =>
        Error("DNN3003", at, (keys.Count == 1 ? $"weight '{keys[0]}' is" : $"weights {string.Join(", ", keys.Select(k => $"'{k}'"))} are")
            + $" not in '{path}'" + DidYouMean(suggestion),
            "weights are named <statement>.<layer>.weight / .bias / .running_mean / .running_var (see grammar/README.md)");

    public static Diagnostic WeightShapeMismatch(SourceLocation at, string key, string expected, string actual) =>
        Error("DNN3004", at, $"weight '{key}' has shape {actual} but the layer needs {expected}");

    public static Diagnostic UnsupportedWeightDType(SourceLocation at, string key, string dtype) =>
        Error("DNN3005", at, $"weight '{key}' has unsupported dtype '{dtype}'", "store weights as F32 or F16");

    public static Diagnostic UnusedWeights(SourceLocation at, string path, IReadOnlyList<string> keys) =>
        Warning("DNN3006", at, $"{keys.Count} tensor(s) in '{path}' are not used by the model: {string.Join(", ", keys.Take(5))}"
            + (keys.Count > 5 ? ", ..." : ""));
}
