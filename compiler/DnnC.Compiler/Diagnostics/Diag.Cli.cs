using DnnC.Compiler.Text;

namespace DnnC.Compiler.Diagnostics;

public static partial class Diag
{
    public static Diagnostic ModelNotFound(string path) =>
        Error("DNN9001", SourceLocation.InFile(path), "model file not found");

    public static Diagnostic ModelUnreadable(string path, string reason) =>
        Error("DNN9002", SourceLocation.InFile(path), $"cannot read model file: {reason}");

    public static Diagnostic UnknownModelFormat(string path, string extension) =>
        Error("DNN9003", SourceLocation.InFile(path), $"unknown model format '{extension}'", "a model is a .dnn file (DnnC's DSL) or an .onnx file");

    public static Diagnostic OnnxNotYetSupported(string path) =>
        Error("DNN9004", SourceLocation.InFile(path), "ONNX import is not available in this version yet", "write the model in the .dnn DSL (see grammar/README.md)");

    public static Diagnostic BadInputBinding(string text, string reason) =>
        Error("DNN9005", SourceLocation.None, $"bad --input '{text}': {reason}");

    public static Diagnostic UnknownTarget(string word, string? suggestion) =>
        Error("DNN9006", SourceLocation.None, $"unknown target '{word}'",
            suggestion is null ? "targets: h100, h200, a100, l4, rtx4090, or sm_80, sm_86, sm_87, sm_89, sm_90" : $"did you mean '{suggestion}'?");

    public static Diagnostic UnsupportedOption(string option, string value, string reason) =>
        Error("DNN9007", SourceLocation.None, $"{option} {value} is not supported yet: {reason}");

    public static Diagnostic CannotWriteOutput(string path, string reason) =>
        Error("DNN9008", SourceLocation.InFile(path), $"cannot write output: {reason}");

    public static Diagnostic BackendUnavailable(string backend, string reason) =>
        Error("DNN9009", SourceLocation.None, $"backend '{backend}' is not available: {reason}");

    public static Diagnostic NvrtcUnavailable(string reason) =>
        Error("DNN5001", SourceLocation.None, $"NVRTC is not available: {reason}",
            "install Debian's libnvrtc11.2 (non-free) or a CUDA toolkit providing libnvrtc.so.12/13");

    public static Diagnostic KernelCompileFailed(string kernels, string log) =>
        Error("DNN5002", SourceLocation.None, $"internal error: NVRTC rejected generated kernel(s) {kernels}:\n{log}");

    public static Diagnostic KernelSpills(string kernel, string arch, int bytes) =>
        Warning("DNN5003", SourceLocation.None, $"kernel {kernel} spills {bytes} bytes to local memory on {arch}");

    /// <summary>
    /// An NVRTC call failed other than by rejecting the source: an option this NVRTC does not take,
    /// a libnvrtc-builtins it cannot load, out of memory. <paramref name="status"/> is the status name
    /// and number; <paramref name="log"/> the program log, which says which option or file.
    /// </summary>
    public static Diagnostic NvrtcCallFailed(string call, string arch, string status, string log) =>
        Error("DNN5004", SourceLocation.None,
            $"NVRTC call {call} failed for {arch} with {status}" + (string.IsNullOrWhiteSpace(log) ? " (NVRTC wrote no log)" : $":\n{log.TrimEnd()}"),
            "'dnnc info' shows the NVRTC library and builtins that were loaded and test-compiles a kernel; " +
            $"{DnnC.Runtime.Cuda.CudaLibraryResolver.NvrtcOverrideVariable}=PATH loads another NVRTC");

    public static Diagnostic NvrtcCallFailed(DnnC.Runtime.Cuda.NvrtcException e, string arch) => NvrtcCallFailed(e.Call, arch, e.Status, e.Log);
}

public static partial class Diag
{
    public static Diagnostic InputShapeMismatch(string path, string input, string declared, string actual) =>
        Error("DNN3103", SourceLocation.InFile(path), $"input '{input}' is declared {declared} but the file holds shape {actual}");
}
