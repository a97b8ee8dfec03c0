using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.Onnx;
using DnnC.Compiler.Onnx.Proto;
using DnnC.Conformance.Backends;
using DnnC.Runtime;

namespace DnnC.Conformance.Models;

/// <summary>Imports an ONNX model with DnnC and runs it on a backend, inputs and outputs in the model's order.</summary>
public static class DnnCModel
{
    public static IReadOnlyList<HostTensor> Run(
        byte[] model, string displayPath, IReadOnlyList<HostTensor> inputs, IConformanceBackend? backend = null)
    {
        var proto = ModelProto.Parser.ParseFrom(model);
        var initializers = proto.Graph.Initializer.Select(i => i.Name).ToHashSet();
        var inputNames = proto.Graph.Input.Select(i => i.Name).Where(n => !initializers.Contains(n)).ToList();
        if (inputNames.Count != inputs.Count)
            throw new ArgumentException($"{displayPath} has {inputNames.Count} inputs but {inputs.Count} were given");
        var shapes = inputNames.Zip(inputs).ToDictionary(p => p.First, p => p.Second.Shape);
        var diagnostics = new DiagnosticBag();
        var graph = OnnxImporter.Load(model, displayPath, shapes, diagnostics)
            ?? throw new InvalidOperationException(
                $"DnnC could not import {displayPath}: " +
                (diagnostics.Items.Count == 0 ? "no diagnostic" : string.Join("; ", diagnostics.Items.Select(d => $"{d.Code}: {d.Message}"))));
        var outputs = (backend ?? new ReferenceBackend()).Run(graph, inputNames.Zip(inputs).ToDictionary(p => p.First, p => p.Second));
        return proto.Graph.Output.Select((o, j) =>
            outputs.TryGetValue(o.Name, out var byName) ? byName : outputs[graph.Outputs[j].Name]).ToList();
    }
}
