using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.Text;
using DnnC.Runtime;
using DnnC.Runtime.Numerics;

namespace DnnC.Compiler.IR;

/// <summary>
/// Builds a graph node by node with shape inference. The DSL binder, the ONNX importer and
/// tests use it; shape errors become diagnostics at the node's location and yield null.
/// </summary>
public sealed class GraphBuilder(string name)
{
    private readonly List<GraphInput> _inputs = new();
    private readonly List<Node> _nodes = new();
    private readonly List<GraphOutput> _outputs = new();
    private readonly Dictionary<string, TensorType> _types = new();
    private WeightTable _weights = WeightTable.Empty;

    public DiagnosticBag Diagnostics { get; } = new();
    public CompileOptions Options { get; set; } = CompileOptions.Default;

    public bool IsDefined(string value) => _types.ContainsKey(value);
    public TensorType? TypeOf(string value) => _types.GetValueOrDefault(value);

    public string Input(string name, TensorType type, SourceLocation? location = null, ElementType elementType = ElementType.Float)
    {
        _inputs.Add(new GraphInput(name, type, location ?? SourceLocation.None, elementType));
        _types[name] = type;
        return name;
    }

    public string Constant(string name, HostTensor tensor, SourceLocation? location = null)
    {
        _weights = _weights.With(name, tensor);
        var type = TensorType.F32(tensor.Shape);
        _nodes.Add(new Node(name, new ConstantOp(name, type), EquatableArray<string>.Empty, type, location));
        _types[name] = type;
        return name;
    }

    /// <summary>Adds a node; returns its value name, or null after reporting a shape error.</summary>
    public string? Add(string name, Op op, IReadOnlyList<string> inputs, SourceLocation? location = null, LayerOptions? options = null)
    {
        var at = location ?? SourceLocation.None;
        var (min, max) = op.Arity;
        if (inputs.Count < min || inputs.Count > max)
        {
            Diagnostics.Add(Diag.WrongInputCount(at, op.Mnemonic, min == max ? $"{min}" : $"{min} to {max}", inputs.Count));
            return null;
        }
        var result = op.Infer(inputs.Select(i => _types[i]).ToList());
        if (!result.IsOk)
        {
            Diagnostics.Add(Diag.ShapeMismatch(at, op.Mnemonic, result.Error!, result.Help));
            return null;
        }
        if (result.Type!.Shape.Any(d => d <= 0) || result.Type.ElementCount > int.MaxValue)
        {
            Diagnostics.Add(Diag.TensorTooLarge(at, name, result.Type.ToString()));
            return null;
        }
        _nodes.Add(new Node(name, op, inputs.ToEquatableArray(), result.Type, at, options));
        _types[name] = result.Type;
        return name;
    }

    public void Output(string name, string value, ElementType elementType = ElementType.Float) =>
        _outputs.Add(new GraphOutput(name, value, elementType));

    public Graph Build() => new(name, _inputs.ToEquatableArray(), _nodes.ToEquatableArray(), _outputs.ToEquatableArray(), _weights, Options);
}
