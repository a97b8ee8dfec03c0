using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Onnx.Proto;
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
    public static Graph? Load(string path, IReadOnlyDictionary<string, int[]> inputShapes, DiagnosticBag diagnostics)
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
        return Load(bytes, path, inputShapes, diagnostics);
    }

    public static Graph? Load(byte[] model, string displayPath, IReadOnlyDictionary<string, int[]> inputShapes, DiagnosticBag diagnostics)
    {
        var local = new DiagnosticBag();
        var graph = Import(model, displayPath, inputShapes, local);
        diagnostics.AddRange(local.Items);
        return local.HasErrors ? null : graph;
    }

    private static Graph? Import(byte[] bytes, string path, IReadOnlyDictionary<string, int[]> inputShapes, DiagnosticBag diagnostics)
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
        int? opset = ReadOpset(model, path, diagnostics);
        if (opset is null && !diagnostics.HasErrors)
        {
            // Only other domains imported (ai.onnx.ml): the unsupported-operator list says it best.
            OnnxGraphChecks.ReportUnsupportedOps(model.Graph, path, diagnostics);
            if (!diagnostics.HasErrors) diagnostics.Add(Diag.OnnxMalformed(path, "it imports no version of the default ONNX operator set"));
        }
        if (opset is null) return null;

        var graphProto = model.Graph;
        var context = new ImportContext(path, GraphName(graphProto.Name, path), diagnostics);
        var structure = OnnxGraphChecks.Check(graphProto, path, diagnostics);
        ReadInitializers(graphProto, context);
        ReadInputs(graphProto, context, inputShapes);
        OnnxGraphChecks.ReportUnsupportedOps(graphProto, path, diagnostics);
        if (diagnostics.HasErrors || structure is null) return null;

        foreach (int index in structure)
            ImportNode(context, graphProto.Node[index], index, opset.Value);
        if (diagnostics.HasErrors) return null;

        foreach (var output in graphProto.Output)
        {
            context.NameHint = output.Name;
            var value = context.Values[output.Name];
            try
            {
                context.Builder.Output(output.Name, context.Materialize(value));
            }
            catch (NodeImportException e)
            {
                diagnostics.Add(Diag.OnnxUnsupportedFeature(path, output.Name, "graph output", e.Message));
            }
        }
        return diagnostics.HasErrors ? null : context.Build();
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

    private static void ReadInputs(GraphProto graph, ImportContext context, IReadOnlyDictionary<string, int[]> inputShapes)
    {
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet();
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        foreach (var name in inputShapes.Keys.Where(k => inputs.All(i => i.Name != k)))
            context.Diagnostics.Add(Diag.OnnxUnknownInput(context.Path, name, string.Join(", ", inputs.Select(i => $"'{i.Name}'"))));
        foreach (var input in inputs)
        {
            var resolved = OnnxInputs.Resolve(input, inputShapes.GetValueOrDefault(input.Name), context);
            if (resolved is null) continue;
            var (shape, elemType) = resolved.Value;
            context.ReserveName(input.Name);
            if (shape.Contains(0))
            {
                // An empty tensor carries no data: its shape and type are all there is, so it is a
                // constant (CastLike's type-only operand, a reduction over an empty set), not a runtime input.
                context.Values[input.Name] = ImportValue.Const(ConstTensor.FromDoubles(shape, []), elemType);
                continue;
            }
            context.Builder.Input(input.Name, TensorType.F32(shape), context.Location);
            context.Values[input.Name] = ImportValue.Runtime(input.Name, shape, elemType);
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
                NodeErrorKind.Dynamic => Diag.OnnxDynamicShape(path, name, proto.OpType, e.Message),
                _ => null,
            };
            if (diagnostic is not null) context.Diagnostics.Add(diagnostic);
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
