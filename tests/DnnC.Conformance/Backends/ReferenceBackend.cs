using DnnC.Compiler.IR;
using DnnC.Compiler.Reference;
using DnnC.Runtime;

namespace DnnC.Conformance.Backends;

/// <summary>The float64 reference executor: the oracle every other backend is held to.</summary>
public sealed class ReferenceBackend : IConformanceBackend
{
    public string Name => "reference";

    public IReadOnlyDictionary<string, HostTensor> Run(Graph graph, IReadOnlyDictionary<string, HostTensor> inputs) =>
        ReferenceExecutor.Run(graph, inputs);
}
