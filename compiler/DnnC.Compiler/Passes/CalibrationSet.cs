using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Tensors;
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

    /// <summary>
    /// The sets <c>--calibrate [NAME=]FILE ...</c> give: the k-th file of each runtime input makes set k; an unnamed file
    /// belongs to the only input of a one-input model. Each file must hold the input's shape. Null when no file is given;
    /// every problem is a diagnostic naming the file.
    /// </summary>
    public static CalibrationSet? FromFiles(Graph graph, IReadOnlyList<string> flags, DiagnosticBag diagnostics)
    {
        if (flags.Count == 0) return null;
        var files = graph.Inputs.ToDictionary(i => i.Name, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var flag in flags)
        {
            int eq = flag.IndexOf('=');
            if (eq > 0 && files.TryGetValue(flag[..eq], out var named)) named.Add(flag[(eq + 1)..]);
            else if (graph.Inputs.Count == 1) files[graph.Inputs[0].Name].Add(flag);
            else diagnostics.Add(Diag.BadInputBinding(flag,
                $"the model has {graph.Inputs.Count} inputs ({string.Join(", ", graph.Inputs.Select(i => i.Name))}): name each calibration file, --calibrate NAME=FILE"));
        }
        int count = files.Values.Max(f => f.Count);
        foreach (var (name, given) in files.Where(f => f.Value.Count != count))
            diagnostics.Add(Diag.BadInputBinding($"--calibrate {name}=...", $"input '{name}' has {given.Count} calibration file(s) and another input has {count}; give each input one file per set"));
        if (diagnostics.HasErrors) return null;
        var sets = new List<IReadOnlyDictionary<string, HostTensor>>();
        for (int k = 0; k < count; k++)
        {
            var set = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
            foreach (var input in graph.Inputs)
            {
                string path = files[input.Name][k];
                try
                {
                    var tensor = TensorFiles.Read(path).Tensor;
                    if (!tensor.Shape.SequenceEqual(input.Type.Shape))
                        diagnostics.Add(Diag.InputShapeMismatch(path, input.Name, input.Type.ToString(), tensor.ShapeText));
                    else set[input.Name] = tensor;
                }
                catch (TensorFileException e)
                {
                    diagnostics.Add(Diag.TensorFile(e));
                }
            }
            sets.Add(set);
        }
        return diagnostics.HasErrors ? null : new CalibrationSet(sets);
    }

    /// <summary>Per node of <paramref name="graph"/>, the largest magnitude it computes over every input set (reference executor).</summary>
    /// <summary>Who runs the calibration inputs: the reference executor unless a host (the CLI) installs another.</summary>
    public static IActivationProfiler Profiler { get; set; } = ReferenceActivationProfiler.Instance;

    public IReadOnlyDictionary<string, double> LargestMagnitudes(Graph graph) => Profiler.LargestMagnitudes(graph, Inputs);

    /// <summary>Every output of <paramref name="graph"/> on every input set, by the reference executor.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, HostTensor>> Reference(Graph graph) =>
        Inputs.Select(feeds => ReferenceExecutor.Run(graph, feeds)).ToList();
}
