using System.Runtime.InteropServices;

namespace DnnC.Runtime.Cuda;

/// <summary>
/// A CUDA driver call failed. The message names the call, the CUDA error's name and text, and,
/// when the call was made for one, the kernel and the model layers it runs.
/// </summary>
public sealed class CudaException(string call, int result, string name, string text, string? kernel, string? layers)
    : Exception(Format(call, result, name, text, kernel, layers))
{
    public string Call { get; } = call;
    public int Result { get; } = result;
    public string ErrorName { get; } = name;
    public string ErrorText { get; } = text;
    public string? Kernel { get; } = kernel;
    public string? Layers { get; } = layers;

    private static string Format(string call, int result, string name, string text, string? kernel, string? layers) =>
        $"{call} failed with {name} ({result}): {text}" +
        (kernel is null ? "" : $" [kernel {kernel}{(layers is null ? "" : $", layers {layers}")}]");
}

/// <summary>The one place driver results are checked.</summary>
public static class CudaCheck
{
    public static void Check(int result, string call, string? kernel = null, string? layers = null)
    {
        if (result == 0) return;
        throw new CudaException(call, result, ErrorName(result), ErrorText(result), kernel, layers);
    }

    public static string ErrorName(int result) =>
        CudaDriverNative.GetErrorName(result, out nint p) == 0 && p != 0 ? Marshal.PtrToStringUTF8(p)! : $"CUDA_ERROR_{result}";

    public static string ErrorText(int result) =>
        CudaDriverNative.GetErrorString(result, out nint p) == 0 && p != 0 ? Marshal.PtrToStringUTF8(p)! : "unknown error";
}
