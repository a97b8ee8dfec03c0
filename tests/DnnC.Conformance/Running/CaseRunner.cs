using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.Onnx;
using DnnC.Compiler.Onnx.Proto;
using DnnC.Compiler.Tensors;
using DnnC.Conformance.Backends;
using DnnC.Conformance.Suite;
using DnnC.Runtime;
using Google.Protobuf;

namespace DnnC.Conformance.Running;

/// <summary>Imports one case's model, runs it on a backend and checks every output.</summary>
public sealed class CaseRunner(IConformanceBackend backend, Tolerance tolerance, bool bakeParameterInputs = true)
{
    public CaseResult Run(NodeTestCase testCase)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(testCase.Model);
        }
        catch (InvalidProtocolBufferException e)
        {
            return new CaseResult(testCase.Name, [], CaseOutcome.Error, $"model.onnx does not parse: {FirstLine(e.Message)}");
        }
        var facts = ModelFacts.Of(model);
        if (testCase.Inputs.Count != facts.RuntimeInputs.Count || testCase.Outputs.Count != model.Graph.Output.Count)
            return new CaseResult(testCase.Name, facts.Ops, CaseOutcome.Error,
                $"the case has {testCase.Inputs.Count} input and {testCase.Outputs.Count} output files for a model with " +
                $"{facts.RuntimeInputs.Count} inputs and {model.Graph.Output.Count} outputs");
        PreparedCase? prepared = null;
        try
        {
            prepared = Prepare(testCase, model, facts);
            var (outcome, detail) = Execute(testCase, model, facts, prepared);
            return new CaseResult(testCase.Name, facts.Ops, outcome, detail, DataTypes: prepared.DataTypes);
        }
        catch (Exception e)
        {
            return new CaseResult(testCase.Name, facts.Ops, CaseOutcome.Error, $"{e.GetType().Name}: {FirstLine(e.Message)}",
                DataTypes: prepared?.DataTypes);
        }
    }

    /// <summary>The model as imported, and what the case feeds and checks at run time.</summary>
    private sealed record PreparedCase(
        byte[] Model, IReadOnlySet<int> Baked, Dictionary<string, int[]> Shapes, IReadOnlyList<string> DataTypes);

    private PreparedCase Prepare(NodeTestCase testCase, ModelProto model, ModelFacts facts)
    {
        var baked = bakeParameterInputs ? ParameterInputs.Bake(model, facts.RuntimeInputs, testCase.Inputs) : new HashSet<int>();
        var dataTypes = testCase.Inputs.Where((_, i) => !baked.Contains(i)).Concat(testCase.Outputs)
            .Select(ElementType).Distinct().Order(StringComparer.Ordinal).ToList();
        var modelBytes = baked.Count > 0 ? model.ToByteArray() : testCase.Model;
        return new PreparedCase(modelBytes, baked, DynamicInputShapes(facts.RuntimeInputs, testCase.Inputs, baked), dataTypes);
    }

    private (CaseOutcome, string) Execute(NodeTestCase testCase, ModelProto model, ModelFacts facts, PreparedCase prepared)
    {
        var runtimeInputs = facts.RuntimeInputs;
        var baked = prepared.Baked;
        var diagnostics = new DiagnosticBag();
        var graph = OnnxImporter.Load(prepared.Model, testCase.DisplayPath, prepared.Shapes, diagnostics);
        if (graph is null) return (CaseOutcome.Unsupported, Reason(diagnostics));

        var feeds = new Dictionary<string, HostTensor>();
        for (int i = 0; i < runtimeInputs.Count; i++)
        {
            // An empty input holds no data; the importer makes it a constant, so it is not fed.
            if (baked.Contains(i) || graph.Inputs.All(g => g.Name != runtimeInputs[i].Name)) continue;
            string path = $"node/{testCase.Name}/test_data_set_0/input_{i}.pb";
            var tensor = ReadInput(testCase.Inputs[i], path, out string? problem);
            if (tensor is null) return (CaseOutcome.Unsupported, $"input {i}: {problem}");
            feeds[runtimeInputs[i].Name] = tensor;
        }

        IReadOnlyDictionary<string, HostTensor> actual;
        try
        {
            actual = backend.Run(graph, feeds);
        }
        catch (UnsupportedByBackendException e)
        {
            return (CaseOutcome.Unsupported, e.Message);
        }
        var mismatches = new List<string>();
        for (int j = 0; j < testCase.Outputs.Count; j++)
        {
            TensorValues expected;
            try
            {
                expected = TensorValues.Decode(testCase.Outputs[j]);
            }
            catch (NotSupportedException e)
            {
                return (CaseOutcome.Unsupported, $"output {j} has {e.Message}");
            }
            string name = model.Graph.Output[j].Name;
            var value = actual.TryGetValue(name, out var byName) ? byName
                : j < graph.Outputs.Count && actual.TryGetValue(graph.Outputs[j].Name, out var byPosition) ? byPosition
                : null;
            if (value is null) return (CaseOutcome.Error, $"the backend produced no output '{name}'");
            if (tolerance.Mismatch(expected, value) is { } mismatch) mismatches.Add($"output {j} '{name}': {mismatch}");
        }
        return mismatches.Count == 0 ? (CaseOutcome.Passed, "") : (CaseOutcome.Failed, string.Join("; ", mismatches));
    }

    /// <summary>
    /// Tensors come through <see cref="TensorFiles"/>, as the CLI reads them. Other element types
    /// (BOOL, 8-, 16- and unsigned integers, BFLOAT16) are converted by value for a graph that takes
    /// them as floats, when float32 holds every value exactly.
    /// </summary>
    private static HostTensor? ReadInput(byte[] bytes, string path, out string? problem)
    {
        problem = null;
        try
        {
            return TensorFiles.Read(bytes, path).Tensor;
        }
        catch (TensorFileException e)
        {
            var values = TryDecode(bytes);
            if (values is null)
            {
                problem = e.Detail;
                return null;
            }
            var data = values.Values.Select(v => (float)v).ToArray();
            int inexact = Array.FindIndex(values.Values, v => !double.IsNaN(v) && (double)(float)v != v);
            if (inexact < 0) return new HostTensor(values.Shape, data);
            problem = $"{values.DType} value {values.Values[inexact]} is not exactly representable in float32";
            return null;
        }
    }

    private static TensorValues? TryDecode(byte[] bytes)
    {
        try { return TensorValues.Decode(bytes); }
        catch (Exception e) when (e is NotSupportedException or InvalidDataException or InvalidProtocolBufferException) { return null; }
    }

    private static string ElementType(byte[] tensor) =>
        TensorValues.TypeName((TensorProto.Types.DataType)TensorProto.Parser.ParseFrom(tensor).DataType);

    /// <summary>Shapes for the runtime inputs the model leaves (partly) dynamic, taken from the case's data.</summary>
    private static Dictionary<string, int[]> DynamicInputShapes(
        IReadOnlyList<ValueInfoProto> inputs, IReadOnlyList<byte[]> values, IReadOnlySet<int> baked)
    {
        var shapes = new Dictionary<string, int[]>();
        for (int i = 0; i < inputs.Count; i++)
        {
            if (baked.Contains(i) || IsStatic(inputs[i])) continue;
            var dims = TensorProto.Parser.ParseFrom(values[i]).Dims;
            shapes[inputs[i].Name] = dims.Select(d => checked((int)d)).ToArray();
        }
        return shapes;
    }

    private static bool IsStatic(ValueInfoProto input) =>
        input.Type?.TensorType?.Shape is { } shape
        && shape.Dim.All(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue);

    private static string Reason(DiagnosticBag diagnostics)
    {
        var first = diagnostics.Items.FirstOrDefault(d => d.IsError) ?? diagnostics.Items.FirstOrDefault();
        return first is null ? "the importer returned no graph and no diagnostic" : $"{first.Code}: {FirstLine(first.Message)}";
    }

    internal static string FirstLine(string text)
    {
        int newline = text.IndexOfAny(['\r', '\n']);
        return newline < 0 ? text : text[..newline];
    }
}
