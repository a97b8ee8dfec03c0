using System.Collections.Immutable;
using DnnC.Compiler.Text;
using DnnC.Runtime;

namespace DnnC.Compiler.IR;

/// <summary>
/// One SSA value per node, named by <see cref="Name"/>. <see cref="Layers"/> lists the source
/// layers this node stands for once fusion has merged several; reports use it.
/// </summary>
public sealed record Node(
    string Name,
    Op Op,
    EquatableArray<string> Inputs,
    TensorType Type,
    LayerOptions Options,
    SourceLocation Location,
    EquatableArray<string> Layers)
{
    public Node(string name, Op op, EquatableArray<string> inputs, TensorType type, SourceLocation? location = null, LayerOptions? options = null)
        : this(name, op, inputs, type, options ?? LayerOptions.Inherit, location ?? SourceLocation.None, EquatableArray.Create(name)) { }
}

public sealed record GraphInput(string Name, TensorType Type, SourceLocation Location);

/// <summary>A graph output: the public <see cref="Name"/> and the value that produces it.</summary>
public sealed record GraphOutput(string Name, string Value);

/// <summary>
/// Named weights. Tensors are shared, never mutated: a pass that changes a weight adds a new
/// entry under a new key.
/// </summary>
public sealed class WeightTable
{
    public static readonly WeightTable Empty = new(ImmutableDictionary<string, HostTensor>.Empty);

    private WeightTable(ImmutableDictionary<string, HostTensor> items) => Items = items;

    public ImmutableDictionary<string, HostTensor> Items { get; }

    public HostTensor this[string key] => Items[key];
    public bool Contains(string key) => Items.ContainsKey(key);
    public WeightTable With(string key, HostTensor tensor) => new(Items.SetItem(key, tensor));
    public WeightTable Without(IEnumerable<string> keys) => new(Items.RemoveRange(keys));
}

/// <summary>The immutable graph IR. Nodes are kept in topological order.</summary>
public sealed record Graph(
    string Name,
    EquatableArray<GraphInput> Inputs,
    EquatableArray<Node> Nodes,
    EquatableArray<GraphOutput> Outputs,
    WeightTable Weights,
    CompileOptions Options)
{
    /// <summary>Type of any value: a graph input or a node.</summary>
    public IReadOnlyDictionary<string, TensorType> ValueTypes()
    {
        var types = new Dictionary<string, TensorType>();
        foreach (var i in Inputs) types[i.Name] = i.Type;
        foreach (var n in Nodes) types[n.Name] = n.Type;
        return types;
    }

    /// <summary>For each value, the nodes that read it (graph outputs are not counted).</summary>
    public IReadOnlyDictionary<string, List<Node>> Consumers()
    {
        var users = new Dictionary<string, List<Node>>();
        foreach (var n in Nodes)
            foreach (var i in n.Inputs)
                (users.TryGetValue(i, out var list) ? list : users[i] = new()).Add(n);
        return users;
    }

    public bool IsGraphOutput(string value) => Outputs.Any(o => o.Value == value);

    public Node? Producer(string value) => Nodes.FirstOrDefault(n => n.Name == value);
}
