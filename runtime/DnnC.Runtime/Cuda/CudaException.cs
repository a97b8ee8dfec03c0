using System.Runtime.InteropServices;

namespace DnnC.Runtime.Cuda;

/// <summary>
/// A CUDA driver call failed. The message names the call, the CUDA error's name and text, and,
/// when the call was made for one, the kernel and the model layers it runs, or the CUDA graph
/// being replayed (a replay runs every kernel at once, so only the graph can be named).
/// </summary>
public sealed class CudaException(string call, int result, string name, string text, string? kernel, string? layers, string? graph = null)
    : Exception(Format(call, result, name, text, kernel, layers, graph))
{
    public string Call { get; } = call;
    public int Result { get; } = result;
    public string ErrorName { get; } = name;
    public string ErrorText { get; } = text;
    public string? Kernel { get; } = kernel;
    public string? Layers { get; } = layers;
    /// <summary>"the CUDA graph of model M (N kernels)" when the error surfaced while replaying it.</summary>
    public string? Graph { get; } = graph;

    private static string Format(string call, int result, string name, string text, string? kernel, string? layers, string? graph) =>
        $"{call} failed with {name} ({result}): {text}" +
        (kernel is null ? "" : $" [kernel {kernel}{(layers is null ? "" : $", layers {layers}")}]") +
        (graph is null ? "" : $" [while replaying {graph}]");
}

/// <summary>The one place driver results are checked.</summary>
public static class CudaCheck
{
    public static void Check(int result, string call, string? kernel = null, string? layers = null)
    {
        if (result == 0) return;
        throw new CudaException(call, result, ErrorName(result), ErrorText(result), kernel, layers);
    }

    /// <summary>Checks a call that ran or waited for a replay of <paramref name="graph"/>.</summary>
    public static void CheckReplay(int result, string call, string graph)
    {
        if (result == 0) return;
        throw new CudaException(call, result, ErrorName(result), ErrorText(result), null, null, graph);
    }

    // Without a loadable driver (tests with a fake driver) there is nobody to ask for the names.
    public static string ErrorName(int result) =>
        DriverLoaded() && CudaDriverNative.GetErrorName(result, out nint p) == 0 && p != 0 ? Marshal.PtrToStringUTF8(p)! : $"CUDA_ERROR_{result}";

    public static string ErrorText(int result) =>
        DriverLoaded() && CudaDriverNative.GetErrorString(result, out nint p) == 0 && p != 0 ? Marshal.PtrToStringUTF8(p)! : "unknown error";

    private static bool DriverLoaded() => CudaLibraryResolver.TryLoad(CudaLibraryResolver.Driver, out _, out _);
}
