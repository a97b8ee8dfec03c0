using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;

namespace DnnC.Compiler.Build;

public static class PendingFeatures
{
    /// <summary>
    /// Annotations and sections for passes that do not exist yet parse and bind, so models can be
    /// written against the final language; the build says plainly that they have no effect yet.
    /// </summary>
    public static void Warn(Graph graph, DiagnosticBag diagnostics)
    {
        var o = graph.Options;
        if (o.Sparsity != SparsityMode.None) diagnostics.Add(Diag.PendingFeature(graph.Name, "2:4 sparsity"));
        if (o.WeightBits != 32) diagnostics.Add(Diag.PendingFeature(graph.Name, $"{o.WeightBits}-bit weights"));
        if (o.Tail != TailMode.None) diagnostics.Add(Diag.PendingFeature(graph.Name, $"tail mode {o.Tail.ToString().ToLowerInvariant()}"));
        // Precision annotations are honoured by the precision pass; the others wait for theirs.
        foreach (var node in graph.Nodes.Where(n => n.Options with { Precision = null } != LayerOptions.Inherit))
            diagnostics.Add(Diag.PendingAnnotation(node.Location, node.Name));
    }
}
