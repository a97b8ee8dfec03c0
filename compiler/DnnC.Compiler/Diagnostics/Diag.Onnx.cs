using DnnC.Compiler.Text;

namespace DnnC.Compiler.Diagnostics;

/// <summary>DNN6xxx: ONNX import. The location is the model file; messages name the node or tensor.</summary>
public static partial class Diag
{
    public static Diagnostic OnnxMalformed(string path, string detail) =>
        Error("DNN6001", SourceLocation.InFile(path), $"the file is not a valid ONNX model: {detail}",
            "check that the file is complete and is an ONNX ModelProto (onnx.checker.check_model)");

    public static Diagnostic OnnxUnsupportedOps(string path, IReadOnlyList<string> opsWithNodes) =>
        Error("DNN6002", SourceLocation.InFile(path),
            $"the model uses {opsWithNodes.Count} unsupported operator(s): {string.Join("; ", opsWithNodes)}",
            "see docs/conformance.md for the operators DnnC imports");

    public static Diagnostic OnnxUnknownDomain(string path, string domain) =>
        Error("DNN6003", SourceLocation.InFile(path), $"the model imports operator set domain '{domain}', which DnnC does not know",
            "DnnC imports the default ONNX domain (\"\" or \"ai.onnx\") only");

    public static Diagnostic OnnxOpsetOutOfRange(string path, int version) =>
        Error("DNN6004", SourceLocation.InFile(path), $"the model uses ONNX opset {version}; DnnC imports opsets 7 to 21",
            "convert the model with onnx.version_converter");

    public static Diagnostic OnnxNewerOpset(string path, int version) =>
        Warning("DNN6005", SourceLocation.InFile(path), $"the model uses ONNX opset {version}, newer than 21; it is imported with opset 21 semantics");

    public static Diagnostic OnnxUndefinedValue(string path, string node, string value) =>
        Error("DNN6006", SourceLocation.InFile(path), $"node '{node}' reads '{value}', which no node, input or initializer defines");

    public static Diagnostic OnnxCycle(string path, string nodes) =>
        Error("DNN6007", SourceLocation.InFile(path), $"the graph has a cycle through node(s) {nodes}");

    public static Diagnostic OnnxBadTensor(string path, string tensor, string detail) =>
        Error("DNN6008", SourceLocation.InFile(path), $"tensor '{tensor}' is malformed: {detail}");

    public static Diagnostic OnnxAbsurdShape(string path, string what, string detail) =>
        Error("DNN6009", SourceLocation.InFile(path), $"{what} has an impossible shape: {detail}");

    public static Diagnostic OnnxDynamicDimUnset(string path, string input, int dim, string dimName) =>
        Error("DNN6010", SourceLocation.InFile(path), $"input '{input}' has dynamic dimension {dim} ('{dimName}') and no --input gives it",
            $"fix it with --input {input}=DIMxDIMx... (one number per dimension)");

    public static Diagnostic OnnxInputShapeConflict(string path, string input, string declared, string given) =>
        Error("DNN6011", SourceLocation.InFile(path), $"--input {input}={given} contradicts the model, which declares '{input}' as {declared}");

    public static Diagnostic OnnxUnknownInput(string path, string input, string inputs) =>
        Error("DNN6012", SourceLocation.InFile(path), $"--input names '{input}', but the model's inputs are {inputs}");

    public static Diagnostic OnnxUnsupportedType(string path, string what, string type) =>
        Error("DNN6013", SourceLocation.InFile(path), $"{what} has element type {type}, which DnnC does not support",
            "DnnC imports float, integer and bool tensors; integer and bool data are carried as exact float32 values");

    public static Diagnostic OnnxInvalidNode(string path, string node, string op, string detail) =>
        Error("DNN6014", SourceLocation.InFile(path), $"node '{node}' ({op}): {detail}");

    public static Diagnostic OnnxUnsupportedFeature(string path, string node, string op, string detail) =>
        Error("DNN6015", SourceLocation.InFile(path), $"node '{node}' ({op}) uses a feature DnnC does not support: {detail}");

    public static Diagnostic OnnxDuplicateValue(string path, string value) =>
        Error("DNN6016", SourceLocation.InFile(path), $"value '{value}' is defined more than once");

    public static Diagnostic OnnxUndefinedOutput(string path, string output) =>
        Error("DNN6017", SourceLocation.InFile(path), $"graph output '{output}' is not produced by any node, input or initializer");

    public static Diagnostic OnnxDynamicShape(string path, string node, string op, string what, IReadOnlyCollection<string> fromInputs) =>
        Error("DNN6018", SourceLocation.InFile(path), $"node '{node}' ({op}) needs {what} at compile time, but it depends on runtime data" +
                (fromInputs.Count > 0 ? $" (graph input {string.Join(", ", fromInputs.Order(StringComparer.Ordinal).Select(i => $"'{i}'"))})" : ""),
            fromInputs.Count > 0
                ? $"give the value the model should be specialised on: --input-value {fromInputs.Order(StringComparer.Ordinal).First()}=FILE or =v1,v2,... (dnnc run takes it from the input file)"
                : "fix the model's dynamic dimensions with --input so shape computations fold to constants");

    public static Diagnostic OnnxBadInputType(string path, string input, string detail) =>
        Error("DNN6019", SourceLocation.InFile(path), $"graph input '{input}': {detail}");

    public static Diagnostic OnnxUnusedUnknownDomain(string path, string domain) =>
        Warning("DNN6020", SourceLocation.InFile(path), $"the model imports operator set domain '{domain}', which DnnC does not know; no node uses it, so it is ignored");
}
