using DnnC.Compiler.IR;
using DnnC.Compiler.Reference;
using DnnC.Runtime;

namespace DnnC.Compiler.Passes;

/// <summary>
/// Runs a graph on calibration inputs and says how large each value gets (its largest magnitude, by value name, graph
/// inputs included): what the precision pass needs to keep a layer that would overflow FP16 in FP32. The compiler's own
/// is the float64 reference executor; the CLI installs the simulator's (<c>SimulatorActivationProfiler</c>), which runs
/// the FP32 plan with packed, parallel kernels and so calibrates a ResNet-50 at batch 32 in seconds. The compiler does
/// not reference the simulator (DESIGN: Cli → Compiler → Runtime, Simulator → Runtime), hence the seam.
/// </summary>
public interface IActivationProfiler
{
    IReadOnlyDictionary<string, double> LargestMagnitudes(Graph graph, IReadOnlyDictionary<string, HostTensor> inputs);
}

public sealed class ReferenceActivationProfiler : IActivationProfiler
{
    public static ReferenceActivationProfiler Instance { get; } = new();

    public IReadOnlyDictionary<string, double> LargestMagnitudes(Graph graph, IReadOnlyDictionary<string, HostTensor> inputs) =>
        ReferenceExecutor.LargestMagnitudes(graph, inputs);
}
