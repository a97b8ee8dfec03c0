using DnnC.Compiler.IR;
using DnnC.Runtime;

namespace DnnC.Compiler.Reference;

/// <summary>
/// The oracle: executes a <see cref="Graph"/> node by node on the CPU, straight from each op's
/// definition, with float64 values between nodes and float64 accumulation over float32 data.
/// It shares nothing with lowering, so a lowering bug cannot hide in both.
/// </summary>
public static class ReferenceExecutor
{
    /// <summary>Runs the graph; outputs are keyed by <see cref="GraphOutput.Name"/> and rounded to float32.</summary>
    public static IReadOnlyDictionary<string, HostTensor> Run(Graph graph, IReadOnlyDictionary<string, HostTensor> inputs)
    {
        var result = new Dictionary<string, HostTensor>();
        foreach (var (name, value) in Execute(graph, inputs))
        {
            var data = new float[value.Data.Length];
            for (int i = 0; i < data.Length; i++) data[i] = (float)value.Data[i];
            result[name] = new HostTensor((int[])value.Shape.Clone(), data);
        }
        return result;
    }

    /// <summary>Runs the graph and returns the float64 outputs, row-major, before any rounding.</summary>
    public static IReadOnlyDictionary<string, double[]> RunDouble(Graph graph, IReadOnlyDictionary<string, HostTensor> inputs) =>
        Execute(graph, inputs).ToDictionary(o => o.Name, o => (double[])o.Value.Data.Clone());

    /// <summary>Runs the graph and returns, per graph input and node, the largest magnitude among its values (infinite
    /// where one is; NaN is ignored).</summary>
    public static IReadOnlyDictionary<string, double> LargestMagnitudes(Graph graph, IReadOnlyDictionary<string, HostTensor> inputs)
    {
        static double Largest(IEnumerable<double> values) => values.Where(v => !double.IsNaN(v)).Select(Math.Abs).DefaultIfEmpty(0).Max();
        var largest = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var input in graph.Inputs) largest[input.Name] = Largest(inputs[input.Name].Data.Select(v => (double)v));
        Execute(graph, inputs, (node, value) => largest[node.Name] = Largest(value.Data));
        return largest;
    }

    private static List<(string Name, RefTensor Value)> Execute(Graph graph, IReadOnlyDictionary<string, HostTensor> inputs,
        Action<Node, RefTensor>? observe = null)
    {
        ValidateInputs(graph, inputs);
        var values = new Dictionary<string, RefTensor>();
        foreach (var input in graph.Inputs) values[input.Name] = FromHost(inputs[input.Name]);

        foreach (var node in graph.Nodes)
        {
            var operands = node.Inputs.Select(i => values[i]).ToList();
            var value = NodeEvaluator.Evaluate(graph, node, operands);
            if (!value.Shape.SequenceEqual(node.Type.Shape))
                throw new InvalidOperationException(
                    $"reference executor computed {TensorType.FormatShape(value.Shape)} for node '{node.Name}' typed {node.Type}");
            values[node.Name] = value;
            observe?.Invoke(node, value);
        }
        return graph.Outputs.Select(o => (o.Name, values[o.Value])).ToList();
    }

    private static void ValidateInputs(Graph graph, IReadOnlyDictionary<string, HostTensor> inputs)
    {
        var expected = graph.Inputs.Select(i => i.Name).ToHashSet();
        var unknown = inputs.Keys.Where(k => !expected.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException(
                $"graph '{graph.Name}' has no input named {string.Join(", ", unknown.Select(u => $"'{u}'"))}; " +
                $"its inputs are {string.Join(", ", graph.Inputs.Select(i => $"'{i.Name}'"))}");
        foreach (var input in graph.Inputs)
        {
            if (!inputs.TryGetValue(input.Name, out var tensor))
                throw new ArgumentException($"missing input '{input.Name}' of shape {TensorType.FormatShape(input.Type.Shape)}");
            if (!tensor.Shape.SequenceEqual(input.Type.Shape))
                throw new ArgumentException(
                    $"input '{input.Name}' has shape {tensor.ShapeText} but the graph expects {TensorType.FormatShape(input.Type.Shape)}");
        }
    }

    internal static RefTensor FromHost(HostTensor tensor)
    {
        var data = new double[tensor.Data.Length];
        for (int i = 0; i < data.Length; i++) data[i] = tensor.Data[i];
        return new RefTensor((int[])tensor.Shape.Clone(), data);
    }
}
