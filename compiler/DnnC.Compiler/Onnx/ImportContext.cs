using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Reference;
using DnnC.Compiler.Text;
using DnnC.Runtime;

namespace DnnC.Compiler.Onnx;

/// <summary>
/// The state of one import: ONNX values by name, the graph being built, and the one rule that
/// keeps shapes static — a node whose inputs are all constants is evaluated now, by the
/// reference executor's kernels, and becomes a constant.
/// </summary>
internal sealed class ImportContext(string path, string graphName, DiagnosticBag diagnostics)
{
    private static readonly Graph FoldGraph = new GraphBuilder("fold").Build();

    private readonly HashSet<string> _usedNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _layerOf = new(StringComparer.Ordinal);

    public string Path { get; } = path;
    public DiagnosticBag Diagnostics { get; } = diagnostics;
    public GraphBuilder Builder { get; } = new(graphName);
    public Dictionary<string, ImportValue> Values { get; } = new(StringComparer.Ordinal);
    public SourceLocation Location { get; } = SourceLocation.InFile(path);

    /// <summary>The ONNX node being imported: IR nodes it emits report it as their layer.</summary>
    public string CurrentLayer { get; set; } = "";

    /// <summary>Graph inputs whose values a node needed at compile time, collected for the importer's retry.</summary>
    public HashSet<string> NeededInputs { get; } = new(StringComparer.Ordinal);

    /// <summary>Declared inputs the graph holds as constants (specialised or empty), for <see cref="Graph.FixedInputs"/>.</summary>
    public List<FixedInput> FixedInputs { get; } = new();

    /// <summary>Where the next IR name comes from: the current node's first output.</summary>
    public string NameHint { get; set; } = "v";

    public string UniqueName(string hint)
    {
        if (hint.Length == 0) hint = "v";
        string name = hint;
        for (int k = 1; !_usedNames.Add(name); k++) name = $"{hint}_{k}";
        return name;
    }

    public void ReserveName(string name) => _usedNames.Add(name);

    /// <summary>The IR value of an import value, adding a constant node for a constant the first time.</summary>
    public string Materialize(ImportValue value)
    {
        if (value.IrName is not null) return value.IrName;
        var constant = value.Constant!;
        string name = UniqueName(NameHint + "_const");
        value.IrName = Builder.Constant(name, constant.ToHost(), Location);
        _layerOf[name] = CurrentLayer;
        return value.IrName;
    }

    /// <summary>Adds op over the inputs, or evaluates it now when every input is a constant.</summary>
    public ImportValue Emit(Op op, IReadOnlyList<ImportValue> inputs, int elemType)
    {
        var (min, max) = op.Arity;
        if (inputs.Count < min || inputs.Count > max)
            throw new NodeImportException(NodeErrorKind.Invalid, $"'{op.Mnemonic}' takes {min} to {max} inputs, got {inputs.Count}");
        var inferred = op.Infer(inputs.Select(i => i.Type).ToList());
        if (!inferred.IsOk) throw new NodeImportException(NodeErrorKind.Invalid, inferred.Error!);
        var shape = inferred.Type!.Dims;
        if (shape.Any(d => d < 0) || Checked.Count(shape) > Checked.MaxElements)
            throw new NodeImportException(NodeErrorKind.Invalid, $"the result {TensorType.FormatShape(shape)} is too large (more than 2^31 elements)");
        if (inputs.All(i => i.IsConstant)) return Fold(op, inputs, inferred.Type, elemType);
        // An empty result holds no data whatever the inputs hold, so it is a constant: it never
        // becomes a kernel, and a graph output that is empty is an empty constant.
        if (shape.Any(d => d == 0)) return ImportValue.Const(ConstTensor.FromDoubles(shape, []), elemType);

        var names = inputs.Select(Materialize).ToList();
        string name = UniqueName(NameHint);
        if (Builder.Add(name, op, names, Location) is null)
        {
            Diagnostics.AddRange(Builder.Diagnostics.Items);
            throw new NodeImportException(NodeErrorKind.AlreadyReported, "");
        }
        _layerOf[name] = CurrentLayer;
        return ImportValue.Runtime(name, shape, elemType, ImportValue.SourcesOf(inputs));
    }

    private static ImportValue Fold(Op op, IReadOnlyList<ImportValue> inputs, TensorType type, int elemType)
    {
        var operands = inputs.Select(i => new RefTensor((int[])i.Shape.Clone(), i.Constant!.ToDoubles())).ToList();
        var node = new Node("fold", op, EquatableArray<string>.Empty, type);
        RefTensor result;
        try
        {
            result = NodeEvaluator.Evaluate(FoldGraph, node, operands);
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or InvalidOperationException)
        {
            throw new NodeImportException(NodeErrorKind.Invalid, $"evaluating it at compile time failed: {e.Message}");
        }
        var shape = type.Dims;
        if (elemType == ElemTypes.Float)
        {
            var floats = new float[result.Data.Length];
            for (int i = 0; i < floats.Length; i++) floats[i] = (float)result.Data[i];
            return ImportValue.Const(ConstTensor.FromFloats(shape, floats), elemType);
        }
        var data = result.Data;
        for (int i = 0; i < data.Length; i++) data[i] = ElemTypes.Coerce(elemType, data[i]);
        return ImportValue.Const(ConstTensor.FromDoubles(shape, data), elemType);
    }

    /// <summary>The finished graph, every node labelled with the ONNX node it came from.</summary>
    public Graph Build()
    {
        var graph = Builder.Build() with { FixedInputs = FixedInputs.ToEquatableArray() };
        var nodes = graph.Nodes.Select(n => _layerOf.TryGetValue(n.Name, out var layer) && layer.Length > 0
            ? n with { Layers = EquatableArray.Create(layer) }
            : n);
        return graph with { Nodes = nodes.ToEquatableArray() };
    }
}
