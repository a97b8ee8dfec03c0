using DnnC.Compiler.IR;
using DnnC.Runtime;

namespace DnnC.Compiler.Passes;

/// <summary>Removes nodes no graph output depends on, and weights no constant refers to.</summary>
public sealed class DeadCodeElimination : IPass
{
    public string Name => "dead-code-elimination";
    public GraphFacts Requires => GraphFacts.None;
    public GraphFacts Establishes => GraphFacts.None;

    public Graph Run(Graph graph, PassContext context)
    {
        var live = new HashSet<string>(graph.Outputs.Select(o => o.Value));
        foreach (var node in graph.Nodes.Reverse())
            if (live.Contains(node.Name))
                live.UnionWith(node.Inputs);

        var kept = graph.Nodes.Where(n => live.Contains(n.Name)).ToList();
        var usedWeights = kept.Select(n => n.Op).OfType<ConstantOp>().Select(c => c.Key).ToHashSet();
        var deadWeights = graph.Weights.Items.Keys.Where(k => !usedWeights.Contains(k)).ToList();

        int removed = graph.Nodes.Count - kept.Count;
        context.Report(Name, $"removed {removed} node(s) and {deadWeights.Count} weight(s)");
        return graph with { Nodes = kept.ToEquatableArray(), Weights = graph.Weights.Without(deadWeights) };
    }
}
