using DnnC.Compiler.IR;
using DnnC.Compiler.Reference;
using DnnC.Runtime;

namespace DnnC.Compiler.Passes;

/// <summary>
/// Inputs a pass measures with (the user's calibration files, or seeded ones), and the float64
/// reference run of any graph on them: the 2:4 and ternary passes compare a candidate graph's
/// outputs with the dense one's, the FP16 pass records each layer's largest activation.
/// </summary>
public sealed class CalibrationSet(IReadOnlyList<IReadOnlyDictionary<string, HostTensor>> inputs)
{
    public IReadOnlyList<IReadOnlyDictionary<string, HostTensor>> Inputs { get; } = inputs;

    /// <summary><paramref name="count"/> input sets drawn as <c>--seed</c> draws them, from seeds seed, seed + 1, ...</summary>
    public static CalibrationSet Seeded(Graph graph, int count, int seed)
    {
        var sets = new List<IReadOnlyDictionary<string, HostTensor>>();
        for (int k = 0; k < count; k++)
        {
            var random = new Random(seed + k);
            sets.Add(graph.Inputs.ToDictionary(i => i.Name, i => SeededInputs.Draw(i, random)));
        }
        return new CalibrationSet(sets);
    }

    /// <summary>Per node of <paramref name="graph"/>, the largest magnitude it computes over every input set (reference executor).</summary>
    public IReadOnlyDictionary<string, double> LargestMagnitudes(Graph graph)
    {
        var largest = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var feeds in Inputs)
            foreach (var (node, max) in ReferenceExecutor.LargestMagnitudes(graph, feeds))
                largest[node] = Math.Max(largest.GetValueOrDefault(node), max);
        return largest;
    }

    /// <summary>Every output of <paramref name="graph"/> on every input set, by the reference executor.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, HostTensor>> Reference(Graph graph) =>
        Inputs.Select(feeds => ReferenceExecutor.Run(graph, feeds)).ToList();
}
