using System.Reflection;
using DnnC.Compiler.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace DnnC.Cli;

/// <summary>
/// ONNX Runtime (NuGet Microsoft.ML.OnnxRuntime, CPU execution provider) in this process: the engine nobody
/// on the project wrote, which DnnC's results are compared with. Inputs and outputs are
/// <see cref="TypedTensor"/>s of every element type ORT's C# API has: FLOAT, DOUBLE, FLOAT16, BFLOAT16, the 8- to
/// 64-bit integers and BOOL. ORT's managed API registers no FP8, FP4, E8M0, 4- or 2-bit tensors: an input of those
/// types throws <see cref="NotSupportedException"/> naming it, and a model with one at its interface fails to load
/// (<see cref="OnnxRuntimeFailedException"/>, saying so), even though ORT's kernels would run it.
/// </summary>
public static class OnnxRuntimeEngine
{
    /// <summary>The assembly metadata key the csproj sets when a publish leaves ORT's native library out (scripts/gpu-publish.sh).</summary>
    public const string LeftOutMetadataKey = "DnnC.OnnxRuntime";

    private static readonly Lazy<string?> Missing = new(FindMissing);

    /// <summary>Null when ONNX Runtime's native library loads; otherwise why it cannot run.</summary>
    public static string? Unavailable() => Missing.Value;

    /// <summary>Runs the model once; returns every graph output, in the model's output order, with its name.</summary>
    public static IReadOnlyList<(string Name, TypedTensor Tensor)> Run(string modelPath, IReadOnlyList<(string Name, TypedTensor Tensor)> inputs)
    {
        OrtTensors.CheckTypes(inputs);
        using var session = OnnxRuntimeSession.Open(modelPath);
        return session.Run(inputs);
    }

    /// <inheritdoc cref="Run(string, IReadOnlyList{ValueTuple{string, TypedTensor}})"/>
    public static IReadOnlyList<(string Name, TypedTensor Tensor)> Run(byte[] model, IReadOnlyList<(string Name, TypedTensor Tensor)> inputs)
    {
        OrtTensors.CheckTypes(inputs);
        using var session = OnnxRuntimeSession.Open(model);
        return session.Run(inputs);
    }

    private static string? FindMissing()
    {
        bool leftOut = typeof(OnnxRuntimeEngine).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Any(a => a.Key == LeftOutMetadataKey && a.Value == "left out");
        if (leftOut)
            return "ONNX Runtime is not included in this build (scripts/gpu-publish.sh leaves its native library out " +
                   "to keep what travels to the GPU machine under 64 MiB)";
        try
        {
            // The first call into ORT loads libonnxruntime; what fails to load surfaces here, not in a test's first run.
            _ = OrtEnv.Instance().GetVersionString();
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or BadImageFormatException or OnnxRuntimeException)
        {
            return $"ONNX Runtime's native library (libonnxruntime, from the Microsoft.ML.OnnxRuntime NuGet package) does not load: {Innermost(e).Message}";
        }
    }

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;
}
