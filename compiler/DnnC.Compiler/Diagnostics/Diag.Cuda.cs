using DnnC.Compiler.Text;

namespace DnnC.Compiler.Diagnostics;

/// <summary>DNN8xxx: running a model on a GPU through the CUDA driver (<c>dnnc run --backend cuda</c>).</summary>
public static partial class Diag
{
    /// <summary>CUDA cannot be used at all; <paramref name="reason"/> says why ("no CUDA driver was found: ...", "no GPU").</summary>
    public static Diagnostic CudaUnavailable(string reason) =>
        Error("DNN8001", SourceLocation.None, $"--backend cuda cannot run: {reason}",
            "run on a machine with an NVIDIA GPU and driver, or use --backend sim (the same kernel plan on the CPU) or --backend auto");

    public static Diagnostic CudaCallFailed(string call, string error, string text, string? kernel, string? layers) =>
        Error("DNN8002", SourceLocation.None,
            $"CUDA error in {call}: {error}: {text}" + (kernel is null ? "" : $" (kernel {kernel}{(string.IsNullOrEmpty(layers) ? "" : $", layers {layers}")})"),
            kernel is null ? "rerun with --no-graph: kernels then run one by one and a fault names its kernel and layers" : null);

    public static Diagnostic CudaLoadFailed(string reason) =>
        Error("DNN8003", SourceLocation.None, $"the model cannot be loaded on the GPU: {reason}");

    /// <summary>
    /// A replay of the model's CUDA graph failed (the fault surfaces at the wait after it). A replay
    /// runs every kernel at once, so only the graph can be named; --no-graph names the kernel.
    /// </summary>
    public static Diagnostic CudaGraphReplayFailed(string graph, string call, string error, string text) =>
        Error("DNN8005", SourceLocation.None, $"CUDA error while replaying {graph}, in {call}: {error}: {text}",
            "rerun with --no-graph: kernels then run one by one, each waited for, and a fault names its kernel and layers");

    public static Diagnostic GpuTooOld(string name, string arch, string oldest) =>
        Error("DNN8004", SourceLocation.None, $"GPU {name} is {arch}; DnnC generates code for {oldest} and newer",
            "use --backend sim to run the same kernel plan on the CPU");
}
