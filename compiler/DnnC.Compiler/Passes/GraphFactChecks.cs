using DnnC.Compiler.IR;

namespace DnnC.Compiler.Passes;

/// <summary>
/// The facts a pass establishes, read off the graph itself, so the pass contract is checked
/// against what the graph is and not only against the order of the passes. PassManager checks every
/// fact established so far after each pass, so a later pass that breaks one is named.
/// <see cref="GraphFacts.Fused"/> is checked by order only: what "fully fused" means is the fusion
/// passes' own candidate rules, and a second copy of them here would drift.
/// </summary>
public static class GraphFactChecks
{
    /// <summary>Why <paramref name="fact"/> does not hold of <paramref name="graph"/>, or null when it does.</summary>
    public static string? Violation(GraphFacts fact, Graph graph) => fact switch
    {
        GraphFacts.NoBatchNorm => graph.Nodes.FirstOrDefault(n => n.Op is BatchNormOp) is { } bn
            ? $"batchnorm '{bn.Name}' remains"
            : null,
        _ => null,
    };

    public static IEnumerable<string> Violations(GraphFacts facts, Graph graph) =>
        Enum.GetValues<GraphFacts>().Where(f => f != GraphFacts.None && facts.HasFlag(f))
            .Select(f => Violation(f, graph) is { } why ? $"{f} no longer holds: {why}" : null)
            .OfType<string>();
}
