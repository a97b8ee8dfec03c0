namespace DnnC.Compiler.IR;

/// <summary>
/// Checks the invariants every pass must keep: unique names, topological order, arities, types
/// that match a fresh shape inference, constants present in the weight table, live outputs, and
/// the legality of each node's numerics (NumericsRules).
/// </summary>
public static class GraphVerifier
{
    public static IReadOnlyList<string> Verify(Graph graph)
    {
        var errors = new List<string>();
        var defined = new Dictionary<string, TensorType>();
        foreach (var input in graph.Inputs)
            if (!defined.TryAdd(input.Name, input.Type)) errors.Add($"duplicate value name '{input.Name}'");

        foreach (var node in graph.Nodes)
        {
            var (min, max) = node.Op.Arity;
            if (node.Inputs.Count < min || node.Inputs.Count > max)
                errors.Add($"node '{node.Name}' ({node.Op.Mnemonic}) has {node.Inputs.Count} inputs, expected {min}..{max}");
            var missing = node.Inputs.Where(i => !defined.ContainsKey(i)).ToList();
            if (missing.Count > 0)
                errors.Add($"node '{node.Name}' reads {string.Join(", ", missing.Select(m => $"'{m}'"))} before it is defined");
            else if (node.Inputs.Count >= min && node.Inputs.Count <= max)
            {
                var result = node.Op.Infer(node.Inputs.Select(i => defined[i]).ToList());
                if (!result.IsOk) errors.Add($"node '{node.Name}': {result.Error}");
                else if (result.Type != node.Type) errors.Add($"node '{node.Name}' is typed {node.Type} but infers {result.Type}");
            }
            if (node.Op is ConstantOp c)
            {
                if (!graph.Weights.Contains(c.Key)) errors.Add($"constant '{node.Name}' refers to missing weight '{c.Key}'");
                else if (!graph.Weights[c.Key].Shape.SequenceEqual(c.Type.Shape))
                    errors.Add($"constant '{node.Name}' is typed {c.Type} but weight '{c.Key}' is {graph.Weights[c.Key].ShapeText}");
            }
            errors.AddRange(NumericsRules.Check(graph, node, defined));
            if (!defined.TryAdd(node.Name, node.Type)) errors.Add($"duplicate value name '{node.Name}'");
        }

        foreach (var output in graph.Outputs)
            if (!defined.ContainsKey(output.Value)) errors.Add($"output '{output.Name}' refers to undefined value '{output.Value}'");
        return errors;
    }
}
