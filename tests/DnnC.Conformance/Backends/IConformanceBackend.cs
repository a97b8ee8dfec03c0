using DnnC.Compiler.IR;
using DnnC.Runtime;

namespace DnnC.Conformance.Backends;

/// <summary>
/// A CPU backend the suite runs on: it executes an imported graph on float32 inputs keyed by
/// graph input name and returns the outputs keyed by <see cref="GraphOutput.Name"/>.
/// </summary>
public interface IConformanceBackend
{
    /// <summary>The name used on the command line and in the passing-list file name.</summary>
    string Name { get; }

    IReadOnlyDictionary<string, HostTensor> Run(Graph graph, IReadOnlyDictionary<string, HostTensor> inputs);
}
