using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Tensors;
using DnnC.Runtime;

namespace DnnC.Cli;

/// <summary>
/// <c>--backend onnxruntime</c>: the same model file and the same inputs through ONNX Runtime, so a
/// user can hold DnnC against the engine everyone knows (as Polygraphy's <c>run --onnxrt</c> does
/// for TensorRT). Inputs go in as the files hold them, in their own element types; inputs DnnC
/// specialised on go in with their values; seeded inputs with the values DnnC's backends get.
/// </summary>
public static class OnnxRuntimeBackend
{
    public const string Name = "onnxruntime";

    public static IReadOnlyList<(string Name, TypedTensor Tensor)> Run(string modelPath, LoadedModel loaded, IReadOnlyDictionary<string, HostTensor> feeds)
    {
        if (!Path.GetExtension(modelPath).Equals(".onnx", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--backend {Name} runs ONNX models only, and '{modelPath}' is not an .onnx file");
        if (OnnxRuntimeEngine.Unavailable() is { } reason)
            throw new CompilationFailedException([Diag.BackendUnavailable(Name, reason)]);
        var graph = loaded.Graph;
        var inputs = new List<(string, TypedTensor)>();
        foreach (string name in graph.DeclaredInputNames())
        {
            if (loaded.Files.TryGetValue(name, out var file)) inputs.Add((name, file.Tensor));
            else if (graph.FixedInputs.FirstOrDefault(f => f.Name == name) is { } fixedInput)
                inputs.Add((name, new TypedTensor(fixedInput.ElementType, fixedInput.Shape.ToArray(), fixedInput.Value.ToArray())));
            else
            {
                var input = graph.Inputs.First(i => i.Name == name);
                inputs.Add((name, TypedTensor.FromHost(feeds[name], input.ElementType)));
            }
        }
        try
        {
            return OnnxRuntimeEngine.Run(modelPath, inputs);
        }
        catch (Exception e) when (e is OnnxRuntimeFailedException or NotSupportedException or ArgumentException)
        {
            throw new CompilationFailedException([Diag.BackendUnavailable(Name, e.Message)]);
        }
    }

    /// <summary>DnnC's float32 results as the element types the model declares, in output order.</summary>
    public static IReadOnlyList<(string Name, TypedTensor Tensor)> Typed(Graph graph, IReadOnlyDictionary<string, HostTensor> results) =>
        graph.Outputs.Select(o => (o.Name, TypedTensor.FromHost(results[o.Name], o.ElementType))).ToList();
}
