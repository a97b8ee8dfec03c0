using System.Text;
using DnnC.Compiler.IR;
using DnnC.Compiler.Onnx.Proto;
using AttributeType = DnnC.Compiler.Onnx.Proto.AttributeProto.Types.AttributeType;

namespace DnnC.Compiler.Onnx;

/// <summary>
/// One ONNX node as its converter sees it: inputs, typed attribute access, outputs, and
/// <see cref="Emit"/>. Converters report problems by throwing through <see cref="Invalid"/>,
/// <see cref="Unsupported"/> or <see cref="NeedConstant"/>; the importer turns them into diagnostics.
/// </summary>
internal sealed class NodeContext(ImportContext import, NodeProto proto, string name, int opset)
{
    public ImportContext Import { get; } = import;
    public NodeProto Proto { get; } = proto;
    public string Name { get; } = name;
    public string OpType => Proto.OpType;
    public int Opset { get; } = opset;

    public int InputCount => Proto.Input.Count;
    public int OutputCount => Proto.Output.Count;

    public bool HasInput(int i) => i < Proto.Input.Count && Proto.Input[i].Length > 0;
    public bool HasOutput(int i) => i < Proto.Output.Count && Proto.Output[i].Length > 0;

    public ImportValue Input(int i) =>
        HasInput(i) ? Import.Values[Proto.Input[i]] : throw Invalid($"input {i} is required");

    public ImportValue? OptionalInput(int i) => HasInput(i) ? Import.Values[Proto.Input[i]] : null;

    /// <summary>A compile-time input such as a shape, axes or pads; runtime data here is an error.</summary>
    public ConstTensor ConstInput(int i, string what)
    {
        var input = Input(i);
        return input.Constant ?? throw new NodeImportException(NodeErrorKind.Dynamic, what) { NeededInputs = input.Sources };
    }

    public ConstTensor? OptionalConstInput(int i, string what) => HasInput(i) ? ConstInput(i, what) : null;

    public void SetOutput(int i, ImportValue value)
    {
        if (HasOutput(i)) Import.Values[Proto.Output[i]] = value;
    }

    public ImportValue Emit(Op op, params ImportValue[] inputs) => Emit(op, inputs[0].ElemType, inputs);

    public ImportValue Emit(Op op, int elemType, params ImportValue[] inputs) => Import.Emit(op, inputs, elemType);

    public ImportValue Constant(ConstTensor tensor, int elemType = ElemTypes.Float) => ImportValue.Const(tensor, elemType);

    public ImportValue Scalar(double value, int elemType = ElemTypes.Float) =>
        ImportValue.Const(ConstTensor.FromDoubles([], [value]), elemType);

    // --- attributes ---

    private AttributeProto? Attr(string key) => Proto.Attribute.FirstOrDefault(a => a.Name == key);

    public bool Has(string key) => Attr(key) is not null;

    public long Int(string key, long fallback) => Attr(key) is { } a ? Expect(a, AttributeType.Int).I : fallback;

    public float Float(string key, float fallback) => Attr(key) is { } a ? Expect(a, AttributeType.Float).F : fallback;

    public string Str(string key, string fallback) =>
        Attr(key) is { } a ? Encoding.UTF8.GetString(Expect(a, AttributeType.String).S.Span) : fallback;

    public long[]? Ints(string key) => Attr(key) is { } a ? Expect(a, AttributeType.Ints).Ints.ToArray() : null;

    public float[]? Floats(string key) => Attr(key) is { } a ? Expect(a, AttributeType.Floats).Floats.ToArray() : null;

    public TensorProto? Tensor(string key) => Attr(key) is { } a ? Expect(a, AttributeType.Tensor).T : null;

    /// <summary>Checks the declared type; files that leave type UNDEFINED are trusted by the field used.</summary>
    private AttributeProto Expect(AttributeProto a, AttributeType type)
    {
        if (a.Type != type && a.Type != AttributeType.Undefined)
            throw Invalid($"attribute '{a.Name}' is {a.Type.ToString().ToUpperInvariant()}, expected {type.ToString().ToUpperInvariant()}");
        return a;
    }

    // --- axis helpers ---

    /// <summary>An axis in [-rank, rank) made non-negative.</summary>
    public int Axis(long axis, int rank, string what = "axis")
    {
        if (axis < -rank || axis >= rank) throw Invalid($"{what} {axis} is out of range for rank {rank}");
        return (int)(axis < 0 ? axis + rank : axis);
    }

    public int[] Axes(IEnumerable<long> axes, int rank, string what = "axes")
    {
        var result = axes.Select(a => Axis(a, rank, what)).ToArray();
        if (result.Distinct().Count() != result.Length) throw Invalid($"{what} [{string.Join(", ", result)}] repeat an axis");
        return result;
    }

    public static int ToInt(long v, string what) =>
        v is >= int.MinValue and <= int.MaxValue ? (int)v
            : throw new NodeImportException(NodeErrorKind.Invalid, $"{what} {v} is out of range");

    // --- errors ---

    public NodeImportException Invalid(string detail) => new(NodeErrorKind.Invalid, detail);
    public NodeImportException Unsupported(string detail) => new(NodeErrorKind.Unsupported, detail);
    public NodeImportException NeedConstant(string what) => new(NodeErrorKind.Dynamic, what);
}
