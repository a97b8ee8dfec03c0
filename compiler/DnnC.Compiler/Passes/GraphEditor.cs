using DnnC.Compiler.IR;
using DnnC.Runtime;

namespace DnnC.Compiler.Passes;

/// <summary>
/// A pass's scratchpad: a mutable copy of the node list and weight table that is turned back into
/// an immutable <see cref="Graph"/> at the end. Nothing outlives one pass run.
/// </summary>
internal sealed class GraphEditor(Graph graph)
{
    private readonly List<Node> _nodes = graph.Nodes.ToList();
    private WeightTable _weights = graph.Weights;

    public IReadOnlyList<Node> Nodes => _nodes;

    public Node? Producer(string value) => _nodes.FirstOrDefault(n => n.Name == value);

    public HostTensor? ConstantValue(string value) =>
        Producer(value)?.Op is ConstantOp c ? _weights[c.Key] : null;

    /// <summary>Nodes reading <paramref name="value"/>, each once.</summary>
    public List<Node> ConsumersOf(string value) => _nodes.Where(n => n.Inputs.Contains(value)).ToList();

    /// <summary>True when exactly one node reads the value (once) and it is not a graph output.</summary>
    public bool HasSingleUse(string value, out Node consumer)
    {
        consumer = null!;
        if (graph.IsGraphOutput(value)) return false;
        var users = ConsumersOf(value);
        if (users.Count != 1 || users[0].Inputs.Count(i => i == value) != 1) return false;
        consumer = users[0];
        return true;
    }

    /// <summary>A value name not yet used in the graph, derived from <paramref name="stem"/>.</summary>
    public string FreshName(string stem)
    {
        var taken = new HashSet<string>(_nodes.Select(n => n.Name).Concat(graph.Inputs.Select(i => i.Name)));
        if (!taken.Contains(stem) && !_weights.Contains(stem)) return stem;
        for (int i = 1; ; i++)
            if (!taken.Contains($"{stem}_{i}") && !_weights.Contains($"{stem}_{i}")) return $"{stem}_{i}";
    }

    /// <summary>Adds a weight and a constant node for it just before <paramref name="before"/>.</summary>
    public string InsertConstant(string stem, HostTensor tensor, Node before)
    {
        string name = FreshName(stem);
        _weights = _weights.With(name, tensor);
        var type = TensorType.F32(tensor.Shape);
        _nodes.Insert(_nodes.IndexOf(before), new Node(name, new ConstantOp(name, type), EquatableArray<string>.Empty, type, before.Location));
        return name;
    }

    public void Replace(Node old, Node replacement) => _nodes[_nodes.IndexOf(old)] = replacement;

    /// <summary>Gives a constant node new values under a fresh weight key (weights are never changed in place).</summary>
    public void ReplaceConstant(Node constant, HostTensor tensor, string stem)
    {
        string key = FreshName(stem);
        _weights = _weights.With(key, tensor);
        Replace(constant, constant with { Op = ((ConstantOp)constant.Op) with { Key = key } });
    }

    public void Remove(Node node) => _nodes.Remove(node);

    public Graph Build() => graph with { Nodes = _nodes.ToEquatableArray(), Weights = _weights };

    /// <summary>Recomputes a node's type after its op or inputs changed.</summary>
    public TensorType InferType(Op op, IReadOnlyList<string> inputs)
    {
        var types = inputs.Select(i => Producer(i)?.Type ?? graph.Inputs.First(g => g.Name == i).Type).ToList();
        var result = op.Infer(types);
        return result.Type ?? throw new InvalidOperationException($"rewrite produced an ill-typed {op.Mnemonic}: {result.Error}");
    }
}
