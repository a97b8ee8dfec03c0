using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;

namespace DnnC.Compiler.Build;

/// <summary>The <c>--input NAME=DIMxDIMx...</c> flags: shapes that fix a model's (dynamic) inputs.</summary>
public static class InputShapes
{
    public static IReadOnlyDictionary<string, int[]> Parse(IEnumerable<string> flags)
    {
        var diagnostics = new DiagnosticBag();
        var shapes = new Dictionary<string, int[]>();
        foreach (var flag in flags)
        {
            int eq = flag.IndexOf('=');
            if (eq <= 0)
            {
                diagnostics.Add(Diag.BadInputBinding(flag, "expected NAME=DIMxDIMx..., for example x=1x3x224x224"));
                continue;
            }
            var dims = flag[(eq + 1)..].Split('x');
            var parsed = dims.Select(d => int.TryParse(d, out int v) && v > 0 ? v : -1).ToArray();
            if (parsed.Length == 0 || parsed.Any(d => d < 0))
                diagnostics.Add(Diag.BadInputBinding(flag, "dimensions must be positive integers separated by 'x'"));
            else if (!shapes.TryAdd(flag[..eq], parsed))
                diagnostics.Add(Diag.BadInputBinding(flag, $"input '{flag[..eq]}' is given twice"));
        }
        if (diagnostics.HasErrors) throw new CompilationFailedException(diagnostics.Items);
        return shapes;
    }

    /// <summary>Checks the flags against a model whose inputs are all static (the DSL's are).</summary>
    public static void CheckAgainst(Graph graph, IReadOnlyDictionary<string, int[]> shapes, DiagnosticBag diagnostics)
    {
        foreach (var (name, dims) in shapes)
        {
            var input = graph.Inputs.FirstOrDefault(i => i.Name == name);
            if (input is null)
                diagnostics.Add(Diag.BadInputBinding($"{name}={string.Join("x", dims)}",
                    $"the model has no input '{name}'; its inputs are {string.Join(", ", graph.Inputs.Select(i => i.Name))}"));
            else if (!input.Type.Shape.SequenceEqual(dims))
                diagnostics.Add(Diag.BadInputBinding($"{name}={string.Join("x", dims)}",
                    $"input '{name}' is declared {input.Type} in the model"));
        }
    }
}
