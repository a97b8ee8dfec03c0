using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Onnx.Proto;
using DnnC.Compiler.Tensors;
using DnnC.Runtime;
using DnnC.Runtime.Numerics;
using Google.Protobuf;

namespace DnnC.Compiler.Onnx;

/// <summary>
/// Reads an ONNX model into the graph IR: checks the file, fixes dynamic input dimensions from
/// <c>--input</c>, folds everything that is known at compile time, and maps the remaining nodes
/// onto IR ops. Every problem becomes a DNN6xxx diagnostic; the result is null when any error
/// was reported.
/// </summary>
public static class OnnxImporter
{
    public static Graph? Load(string path, IReadOnlyDictionary<string, int[]> inputShapes, DiagnosticBag diagnostics) =>
        OnnxModelFile.Open(path, diagnostics)?.Import(OnnxImportRequest.WithShapes(inputShapes), diagnostics);

    public static Graph? Load(byte[] model, string displayPath, IReadOnlyDictionary<string, int[]> inputShapes, DiagnosticBag diagnostics) =>
        OnnxModelFile.Parse(model, displayPath, diagnostics)?.Import(OnnxImportRequest.WithShapes(inputShapes), diagnostics);

    /// <summary>
    /// Imports <paramref name="model"/>. A node that needs a compile-time value (a shape, axes,
    /// pads...) computed from graph inputs whose values the request offers makes the import start
    /// again with those inputs specialised on their values; the diagnostics of the abandoned
    /// attempt are dropped. Each retry specialises at least one more input, so it ends.
    /// </summary>
    internal static Graph? Import(ModelProto model, string path, OnnxImportRequest request, DiagnosticBag diagnostics)
    {
        var specialised = new HashSet<string>(request.Values.Keys, StringComparer.Ordinal);
        while (true)
        {
            var local = new DiagnosticBag();
            var (graph, needed) = ImportOnce(model, path, request, specialised, local);
            var more = needed.Where(n => request.Offered.ContainsKey(n) && !specialised.Contains(n)).ToList();
            if (graph is null && more.Count > 0)
            {
                specialised.UnionWith(more);
                continue;
            }
            diagnostics.AddRange(local.Items);
            return local.HasErrors ? null : graph;
        }
    }

    private static (Graph? Graph, IReadOnlySet<string> Needed) ImportOnce(ModelProto model, string path, OnnxImportRequest request,
        IReadOnlySet<string> specialised, DiagnosticBag diagnostics)
    {
        var none = new HashSet<string>();
        int? opset = ReadOpset(model, path, diagnostics);
        if (opset is null && !diagnostics.HasErrors)
        {
            // Only other domains imported (ai.onnx.ml): the unsupported-operator list says it best.
            OnnxGraphChecks.ReportUnsupportedOps(model.Graph, path, diagnostics);
            if (!diagnostics.HasErrors) diagnostics.Add(Diag.OnnxMalformed(path, "it imports no version of the default ONNX operator set"));
        }
        if (opset is null) return (null, none);

        var graphProto = model.Graph;
        var context = new ImportContext(path, GraphName(graphProto.Name, path), diagnostics);
        var structure = OnnxGraphChecks.Check(graphProto, path, diagnostics);
        ReadInitializers(graphProto, context);
        ReadInputs(graphProto, context, request, specialised);
        OnnxGraphChecks.ReportUnsupportedOps(graphProto, path, diagnostics);
        if (diagnostics.HasErrors || structure is null) return (null, none);

        foreach (int index in structure)
            ImportNode(context, graphProto.Node[index], index, opset.Value);
        if (diagnostics.HasErrors) return (null, context.NeededInputs);

        foreach (var output in graphProto.Output)
        {
            context.NameHint = output.Name;
            var value = context.Values[output.Name];
            try
            {
                // The declared element type, else the one the import tracked (a file may leave outputs untyped).
                int declared = output.Type?.TensorType?.ElemType ?? 0;
                int elemType = declared != 0 && ElemTypes.IsSupported(declared) ? declared : value.ElemType;
                context.Builder.Output(output.Name, context.Materialize(value), (ElementType)elemType);
            }
            catch (NodeImportException e)
            {
                diagnostics.Add(Diag.OnnxUnsupportedFeature(path, output.Name, "graph output", e.Message));
            }
        }
        return (diagnostics.HasErrors ? null : context.Build(), none);
    }

    /// <summary>The default domain's opset; an unknown domain a node uses is an error, ai.onnx.ml only has no supported ops.</summary>
    private static int? ReadOpset(ModelProto model, string path, DiagnosticBag diagnostics)
    {
        long? version = null;
        foreach (var import in model.OpsetImport)
        {
            if (import.Domain is "" or "ai.onnx") version = import.Version;
            else if (import.Domain != "ai.onnx.ml")
                // A declared domain matters only when a node uses it (exporters declare preview domains freely).
                diagnostics.Add(model.Graph?.Node.Any(n => n.Domain == import.Domain) == true
                    ? Diag.OnnxUnknownDomain(path, import.Domain)
                    : Diag.OnnxUnusedUnknownDomain(path, import.Domain));
        }
        if (version is null) return null;
        if (version < 7) diagnostics.Add(Diag.OnnxOpsetOutOfRange(path, (int)Math.Max(version.Value, int.MinValue)));
        else if (version > 21) diagnostics.Add(Diag.OnnxNewerOpset(path, (int)Math.Min(version.Value, int.MaxValue)));
        return diagnostics.HasErrors ? null : (int)Math.Min(version.Value, 21);
    }

    /// <summary>The graph's name as an identifier: it names the generated library, so only [A-Za-z0-9_] survive.</summary>
    private static string GraphName(string name, string path)
    {
        string source = name.Length > 0 ? name : Path.GetFileNameWithoutExtension(path);
        var chars = source.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_').ToArray();
        string result = new(chars);
        if (result.Length == 0) return "model";
        return char.IsAsciiDigit(result[0]) ? "m_" + result : result;
    }

    private static void ReadInitializers(GraphProto graph, ImportContext context)
    {
        foreach (var initializer in graph.Initializer)
        {
            try
            {
                context.Values[initializer.Name] = ImportValue.Const(OnnxTensors.Decode(initializer), initializer.DataType);
            }
            catch (TensorDecodeException e)
            {
                context.Diagnostics.Add(e.UnsupportedType ? Diag.OnnxUnsupportedType(context.Path, $"initializer '{initializer.Name}'", ElemTypes.Name(initializer.DataType))
                    : e.BadShape ? Diag.OnnxAbsurdShape(context.Path, $"initializer '{initializer.Name}'", e.Message)
                    : Diag.OnnxBadTensor(context.Path, initializer.Name, e.Message));
            }
        }
    }

    /// <summary>The graph inputs a model declares: every input that no initializer shadows, in order.</summary>
    internal static List<ValueInfoProto> DeclaredInputs(GraphProto graph)
    {
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet();
        return graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
    }

    private static void ReadInputs(GraphProto graph, ImportContext context, OnnxImportRequest request, IReadOnlySet<string> specialised)
    {
        var inputs = DeclaredInputs(graph);
        var known = request.Shapes.Keys.Concat(request.Values.Keys).Concat(request.Offered.Keys).Distinct();
        foreach (var name in known.Where(k => inputs.All(i => i.Name != k)))
            context.Diagnostics.Add(Diag.OnnxUnknownInput(context.Path, name, string.Join(", ", inputs.Select(i => $"'{i.Name}'"))));
        for (int position = 0; position < inputs.Count; position++)
        {
            var input = inputs[position];
            var value = specialised.Contains(input.Name)
                ? request.Values.GetValueOrDefault(input.Name) ?? request.Offered.GetValueOrDefault(input.Name)
                : null;
            var resolved = OnnxInputs.Resolve(input, value?.Shape ?? request.Shapes.GetValueOrDefault(input.Name), context);
            if (resolved is null) continue;
            var (shape, elemType) = resolved.Value;
            context.ReserveName(input.Name);
            if (value is not null || shape.Contains(0))
            {
                // A specialised input is the value it was given; an empty tensor carries no data, so
                // its shape and type are all there is (CastLike's type-only operand, a reduction
                // over an empty set). Either way the graph holds a constant, and a run checks it.
                var values = value?.Values ?? [];
                var kind = value is not null ? FixedInputKind.Specialised : FixedInputKind.Empty;
                context.Values[input.Name] = ImportValue.Const(ConstTensor.FromDoubles(shape, values), elemType);
                context.FixedInputs.Add(new FixedInput(input.Name, position, kind, (ElementType)elemType, shape.ToEquatableArray(), values.ToEquatableArray()));
                continue;
            }
            context.Builder.Input(input.Name, TensorType.F32(shape), context.Location, (ElementType)elemType);
            context.Values[input.Name] = ImportValue.Runtime(input.Name, shape, elemType, new HashSet<string>(StringComparer.Ordinal) { input.Name });
        }
    }

    private static void ImportNode(ImportContext context, NodeProto proto, int index, int opset)
    {
        string name = proto.Name.Length > 0 ? proto.Name : $"{proto.OpType}_{index}";
        // A node after a failed one is skipped: its inputs are missing and its error would repeat the first.
        if (proto.Input.Any(i => i.Length > 0 && !context.Values.ContainsKey(i))) return;
        context.CurrentLayer = name;
        context.NameHint = proto.Output.FirstOrDefault(o => o.Length > 0) ?? name;
        var node = new NodeContext(context, proto, name, opset);
        string path = context.Path;
        try
        {
            OnnxOps.Converters[proto.OpType](node);
            for (int i = 0; i < proto.Output.Count; i++)
                if (proto.Output[i].Length > 0 && !context.Values.ContainsKey(proto.Output[i]))
                    throw node.Unsupported($"output {i} ('{proto.Output[i]}')");
        }
        catch (NodeImportException e)
        {
            var diagnostic = e.Kind switch
            {
                NodeErrorKind.Invalid => Diag.OnnxInvalidNode(path, name, proto.OpType, e.Message),
                NodeErrorKind.Unsupported => Diag.OnnxUnsupportedFeature(path, name, proto.OpType, e.Message),
                NodeErrorKind.Dynamic => Diag.OnnxDynamicShape(path, name, proto.OpType, e.Message, e.NeededInputs.ToList()),
                _ => null,
            };
            if (diagnostic is not null) context.Diagnostics.Add(diagnostic);
            context.NeededInputs.UnionWith(e.NeededInputs);
            if (e.Kind == NodeErrorKind.AlreadyReported && !context.Diagnostics.HasErrors)
                context.Diagnostics.Add(Diag.OnnxInvalidNode(path, name, proto.OpType, "its shapes do not fit"));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException
            or OverflowException or KeyNotFoundException or NotSupportedException)
        {
            // A converter that trips over a malformed node reports it rather than crash the compiler.
            context.Diagnostics.Add(Diag.OnnxInvalidNode(path, name, proto.OpType, $"cannot be imported ({e.Message})"));
        }
    }
}
