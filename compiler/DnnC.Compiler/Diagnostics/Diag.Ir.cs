using DnnC.Compiler.Text;

namespace DnnC.Compiler.Diagnostics;

public static partial class Diag
{
    /// <summary>An operator's inputs do not fit together; the message names both shapes.</summary>
    public static Diagnostic ShapeMismatch(SourceLocation at, string op, string detail, string? help = null) =>
        Error("DNN2001", at, $"shape mismatch in '{op}': {detail}", help);

    public static Diagnostic InvalidAttribute(SourceLocation at, string op, string detail) =>
        Error("DNN2002", at, $"invalid attribute for '{op}': {detail}");

    public static Diagnostic WrongInputCount(SourceLocation at, string op, string expected, int actual) =>
        Error("DNN2003", at, $"'{op}' takes {expected} input(s) but was given {actual}");

    public static Diagnostic TensorTooLarge(SourceLocation at, string name, string shape) =>
        Error("DNN2004", at, $"tensor '{name}' with shape {shape} is too large (more than 2^31 elements)");

    /// <summary>A pass produced IR that fails verification: a compiler bug, reported with the pass name.</summary>
    public static Diagnostic InvalidIrAfterPass(string pass, string detail) =>
        Error("DNN4001", SourceLocation.None, $"internal error: IR is invalid after pass '{pass}': {detail}");

    public static Diagnostic NoKernelTemplate(SourceLocation at, string op, IEnumerable<string> layers) =>
        Error("DNN4002", at, $"no kernel template lowers '{op}' yet (layer {string.Join(", ", layers)})",
            "dnnc run --backend reference executes every op; code generation covers fewer");
}

public static partial class Diag
{
    public static Diagnostic NonConstantBatchNorm(SourceLocation at, string name) =>
        Error("DNN4003", at, $"batchnorm '{name}' has parameters that are not constants; inference batchnorm needs fixed statistics");
}

public static partial class Diag
{
    /// <summary>A layer asked for FP16 holds a weight FP16 cannot hold.</summary>
    public static Diagnostic WeightBeyondFp16(SourceLocation at, string layer, string weight, int count, double largest) =>
        Error("DNN4006", at, $"layer '{layer}' would run in FP16, but {count} value(s) of its weight '{weight}' lie beyond FP16's ±65504 (the largest is {largest:G6})",
            "keep the layer FP32 (@fp32), or pass --fp16-clamp to clamp them to ±65504");

    /// <summary>@fp16 on a layer that cannot store FP16.</summary>
    public static Diagnostic Fp16AnnotationIgnored(SourceLocation at, string layer, string why) =>
        Warning("DNN4007", at, $"@fp16 on '{layer}' has no effect: {why}; it stays FP32");

    public static Diagnostic PendingFeature(string model, string feature) =>
        Warning("DNN4004", Text.SourceLocation.None, $"model '{model}' asks for {feature}, which this version does not implement yet; the build is FP32 dense");

    public static Diagnostic PendingAnnotation(Text.SourceLocation at, string layer) =>
        Warning("DNN4005", at, $"the annotation on '{layer}' has no effect yet: its pass is not implemented in this version");
}
