using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Onnx.Proto;
using DnnC.Compiler.Tensors;
using DnnC.Runtime.Numerics;
using Google.Protobuf;

namespace DnnC.Compiler.Onnx;

/// <summary>What an import is given besides the model: shapes for dynamic inputs, and input values.</summary>
/// <param name="Shapes">Fix dynamic dimensions (<c>--input NAME=DIMS</c>, or an input file's shape).</param>
/// <param name="Values">Specialise on these values whatever the inputs are used for (<c>--input-value</c>).</param>
/// <param name="Offered">
/// Values the import may specialise on where a node needs them at compile time (the input files of
/// <c>dnnc run</c>); an input only used as data stays a runtime input.
/// </param>
public sealed record OnnxImportRequest(
    IReadOnlyDictionary<string, int[]> Shapes,
    IReadOnlyDictionary<string, TypedTensor> Values,
    IReadOnlyDictionary<string, TypedTensor> Offered)
{
    private static readonly Dictionary<string, TypedTensor> NoValues = new();

    public static OnnxImportRequest WithShapes(IReadOnlyDictionary<string, int[]> shapes) => new(shapes, NoValues, NoValues);
}

/// <summary>An input as the model file declares it: dims are null where dynamic, and the whole shape null for unknown rank.</summary>
/// <see cref="IsTensor"/> is false for sequence, map and optional inputs, which DnnC does not take.
public sealed record DeclaredInput(string Name, ElementType ElementType, long?[]? Dims, bool IsTensor = true)
{
    public string ShapeText => Dims is null ? "[unknown rank]" : "[" + string.Join(", ", Dims.Select(d => d?.ToString() ?? "?")) + "]";
}

/// <summary>
/// An ONNX file parsed once: what it declares (so input files can be bound to names before the
/// import, which needs their shapes and values), then imported as often as a request needs.
/// </summary>
public sealed class OnnxModelFile
{
    private readonly ModelProto _model;

    private OnnxModelFile(ModelProto model, string path)
    {
        _model = model;
        Path = path;
    }

    public string Path { get; }

    public static OnnxModelFile? Open(string path, DiagnosticBag diagnostics)
    {
        byte[] bytes;
        try
        {
            if (!File.Exists(path))
            {
                diagnostics.Add(Diag.ModelNotFound(path));
                return null;
            }
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OutOfMemoryException)
        {
            diagnostics.Add(Diag.ModelUnreadable(path, e.Message));
            return null;
        }
        return Parse(bytes, path, diagnostics);
    }

    public static OnnxModelFile? Parse(byte[] bytes, string path, DiagnosticBag diagnostics)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            diagnostics.Add(Diag.OnnxMalformed(path, $"the protobuf data is corrupt or truncated ({e.Message})"));
            return null;
        }
        if (model.Graph is null)
        {
            diagnostics.Add(Diag.OnnxMalformed(path, "it has no graph"));
            return null;
        }
        return new OnnxModelFile(model, path);
    }

    /// <summary>The graph inputs no initializer shadows, in declared order.</summary>
    public IReadOnlyList<DeclaredInput> Inputs => OnnxImporter.DeclaredInputs(_model.Graph).Select(Describe).ToList();

    public Graph? Import(OnnxImportRequest request, DiagnosticBag diagnostics) => OnnxImporter.Import(_model, Path, request, diagnostics);

    private static DeclaredInput Describe(ValueInfoProto input)
    {
        var tensor = input.Type?.TensorType;
        var dims = tensor?.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : (long?)null).ToArray();
        return new DeclaredInput(input.Name, (ElementType)(tensor?.ElemType ?? 0), dims, tensor is not null);
    }
}
