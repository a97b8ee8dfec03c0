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
    /// <summary>The largest magnitude of each value over every input set.</summary>
    IReadOnlyDictionary<string, double> LargestMagnitudes(Graph graph, IReadOnlyList<IReadOnlyDictionary<string, HostTensor>> inputSets);

    /// <summary>Folds one set's maxima into the running ones.</summary>
    static void Merge(Dictionary<string, double> largest, IReadOnlyDictionary<string, double> set)
    {
        foreach (var (name, max) in set) largest[name] = Math.Max(largest.GetValueOrDefault(name), max);
    }
}

public sealed class ReferenceActivationProfiler : IActivationProfiler
{
    public static ReferenceActivationProfiler Instance { get; } = new();

    public IReadOnlyDictionary<string, double> LargestMagnitudes(Graph graph, IReadOnlyList<IReadOnlyDictionary<string, HostTensor>> inputSets)
    {
        var largest = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var inputs in inputSets) IActivationProfiler.Merge(largest, ReferenceExecutor.LargestMagnitudes(graph, inputs));
        return largest;
    }
}
