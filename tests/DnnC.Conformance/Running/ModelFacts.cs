using DnnC.Compiler.Onnx.Proto;

namespace DnnC.Conformance.Running;

/// <summary>What the runner needs to know about a model before importing it.</summary>
public sealed record ModelFacts(IReadOnlyList<string> Ops, IReadOnlyList<ValueInfoProto> RuntimeInputs)
{
    public static ModelFacts Of(ModelProto model)
    {
        var initializers = model.Graph.Initializer.Select(i => i.Name).ToHashSet();
        var ops = new SortedSet<string>(StringComparer.Ordinal);
        CollectOps(model.Graph, ops);
        var inputs = model.Graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        return new ModelFacts(ops.ToList(), inputs);
    }

    /// <summary>Op names, qualified by domain outside the default one, including those in subgraphs (If, Loop, Scan).</summary>
    private static void CollectOps(GraphProto graph, SortedSet<string> ops)
    {
        foreach (var node in graph.Node)
        {
            bool defaultDomain = node.Domain is "" or "ai.onnx";
            ops.Add(defaultDomain ? node.OpType : $"{node.Domain}:{node.OpType}");
            foreach (var attribute in node.Attribute)
            {
                if (attribute.G is not null) CollectOps(attribute.G, ops);
                foreach (var g in attribute.Graphs) CollectOps(g, ops);
            }
        }
    }
}
