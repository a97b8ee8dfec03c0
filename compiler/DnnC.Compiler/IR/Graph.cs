using System.Collections.Immutable;
using DnnC.Compiler.Text;
using DnnC.Runtime;
using DnnC.Runtime.Numerics;
using DnnC.Runtime.Plan;

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

    /// <summary>
    /// The numerics the passes decided for this node (storage, weight encoding, math mode), beside
    /// the user's request in <see cref="Options"/>; lowering copies it into the node's kernel.
    /// GraphVerifier holds the legality rules.
    /// </summary>
    public PlanNumerics Numerics { get; init; } = PlanNumerics.Fp32Dense;
}

/// <summary>
/// A runtime input. <see cref="ElementType"/> is the type the model declares at its interface
/// (what an input file must hold); inside the graph every value is float32.
/// </summary>
public sealed record GraphInput(string Name, TensorType Type, SourceLocation Location, ElementType ElementType = ElementType.Float);

/// <summary>
/// A graph output: the public <see cref="Name"/>, the value that produces it, and the element type
/// the model declares for it, in which <c>dnnc run</c> writes it (ONNX Cast's rules).
/// </summary>
public sealed record GraphOutput(string Name, string Value, ElementType ElementType = ElementType.Float);

/// <summary>Why a declared model input is not a runtime input of the graph.</summary>
public enum FixedInputKind
{
    /// <summary>The model was specialised on this value: the compiler needed it at compile time (a shape, axes, pads...).</summary>
    Specialised,

    /// <summary>The input has a zero dimension: it holds no data, so the graph uses it as an (empty) constant.</summary>
    Empty,
}

/// <summary>
/// A declared model input that the graph holds as a constant. A run still accepts it, and checks
/// that what it is given is what the model was compiled for. <see cref="Position"/> is its index
/// among the model's declared inputs, so positional input files bind as the model declares them.
/// </summary>
public sealed record FixedInput(string Name, int Position, FixedInputKind Kind, ElementType ElementType,
    EquatableArray<int> Shape, EquatableArray<double> Value);

/// <summary>
/// Named weights. Tensors are shared, never mutated: a pass that changes a weight adds a new
/// entry under a new key. Two tables are equal when they hold the same keys with the same shapes
/// and values, so a graph record compares structurally, weights included (reading a deferred
/// tensor's values computes them; only tests compare graphs).
/// </summary>
public sealed class WeightTable : IEquatable<WeightTable>
{
    public static readonly WeightTable Empty = new(ImmutableDictionary<string, HostTensor>.Empty);

    private WeightTable(ImmutableDictionary<string, HostTensor> items) => Items = items;

    public ImmutableDictionary<string, HostTensor> Items { get; }

    public HostTensor this[string key] => Items[key];
    public bool Contains(string key) => Items.ContainsKey(key);
    public WeightTable With(string key, HostTensor tensor) => new(Items.SetItem(key, tensor));
    public WeightTable Without(IEnumerable<string> keys) => new(Items.RemoveRange(keys));

    public bool Equals(WeightTable? other) =>
        other is not null && (ReferenceEquals(this, other) || Items.Count == other.Items.Count && Items.All(entry =>
            other.Items.TryGetValue(entry.Key, out var tensor) && SameTensor(entry.Value, tensor)));

    public override bool Equals(object? obj) => obj is WeightTable other && Equals(other);

    /// <summary>From the keys alone: equal tables have equal keys.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var key in Items.Keys.Order(StringComparer.Ordinal)) hash.Add(key);
        return hash.ToHashCode();
    }

    private static bool SameTensor(HostTensor a, HostTensor b) =>
        ReferenceEquals(a, b) || a.Shape.SequenceEqual(b.Shape) && a.Data.AsSpan().SequenceEqual(b.Data);
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
    /// <summary>Declared inputs that are not runtime inputs: specialised on a value, or empty.</summary>
    public EquatableArray<FixedInput> FixedInputs { get; init; } = EquatableArray<FixedInput>.Empty;

    /// <summary>
    /// Every input the model declares, in its declared order: the runtime inputs with the fixed
    /// ones at their positions. Input files without a name bind in this order.
    /// </summary>
    public IReadOnlyList<string> DeclaredInputNames()
    {
        var names = Inputs.Select(i => i.Name).ToList();
        foreach (var fixedInput in FixedInputs.OrderBy(f => f.Position))
            names.Insert(Math.Min(fixedInput.Position, names.Count), fixedInput.Name);
        return names;
    }

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
