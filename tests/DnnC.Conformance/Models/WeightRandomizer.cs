using System.Buffers.Binary;
using DnnC.Compiler.Onnx.Proto;
using DnnC.Compiler.Syntax.Weights;
using Google.Protobuf;
using DataType = DnnC.Compiler.Onnx.Proto.TensorProto.Types.DataType;

namespace DnnC.Conformance.Models;

/// <summary>
/// Replaces every weight of a model with seeded random values scaled for its role, so that a
/// comparison with another engine exercises real numbers: the light models' weights are
/// constants (ConstantOfShape), under which many bugs give the right answer. A weight is an input
/// of Conv, ConvTranspose, Gemm, MatMul, a normalization, PRelu or an elementwise op that comes
/// from an initializer, a Constant or a ConstantOfShape; the latter two become initializers.
/// </summary>
public static class WeightRandomizer
{
    private enum Role { FanIn, Bias, Scale, Mean, Variance, Slope, Factor }

    public static ModelProto Randomize(ModelProto original, ulong seed)
    {
        var model = original.Clone();
        var graph = model.Graph;
        var producers = new Dictionary<string, NodeProto>();
        foreach (var node in graph.Node)
            foreach (var output in node.Output) producers[output] = node;
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var graphInputs = graph.Input.Select(i => i.Name).ToHashSet();
        var replaced = new HashSet<string>();
        var removed = new HashSet<NodeProto>();

        foreach (var node in graph.Node)
        {
            for (int slot = 0; slot < node.Input.Count; slot++)
            {
                string name = node.Input[slot];
                if (name.Length == 0 || graphInputs.Contains(name) && !initializers.ContainsKey(name)) continue;
                if (RoleOf(node, slot) is not { } role || !replaced.Add(name)) continue;
                var shape = WeightShape(name, initializers, producers, out var producer);
                if (shape is null) continue;
                var tensor = RandomTensor(name, shape, role, FanIn(node, slot, shape), seed);
                if (initializers.TryGetValue(name, out var existing)) graph.Initializer.Remove(existing);
                graph.Initializer.Add(tensor);
                initializers[name] = tensor;
                if (producer is not null) removed.Add(producer);
            }
        }
        foreach (var node in removed) graph.Node.Remove(node);
        RemoveUnusedConstants(graph);
        // IR version 4 lets initializers stand apart from the graph inputs.
        model.IrVersion = Math.Max(model.IrVersion, 4);
        return model;
    }

    private static Role? RoleOf(NodeProto node, int slot) => (node.OpType, slot) switch
    {
        ("Conv" or "ConvTranspose" or "Gemm" or "MatMul", 1) => Role.FanIn,
        ("Conv" or "ConvTranspose" or "Gemm", 2) => Role.Bias,
        ("BatchNormalization" or "InstanceNormalization" or "LayerNormalization", 1) => Role.Scale,
        ("BatchNormalization" or "InstanceNormalization" or "LayerNormalization", 2) => Role.Bias,
        ("BatchNormalization", 3) => Role.Mean,
        ("BatchNormalization", 4) => Role.Variance,
        ("PRelu", 1) => Role.Slope,
        ("Add" or "Sub", _) => Role.Bias,
        ("Mul" or "Div", _) => Role.Factor,
        _ => null,
    };

    /// <summary>The number of products summed into one output, for the He bound ±sqrt(6/fan_in) that keeps activations from fading through ReLUs.</summary>
    private static long FanIn(NodeProto node, int slot, IReadOnlyList<long> shape)
    {
        if (shape.Count == 0) return 1;
        long product(IEnumerable<long> dims) => dims.Aggregate(1L, (a, b) => a * b);
        return (node.OpType, slot) switch
        {
            ("Conv", 1) => product(shape.Skip(1)),
            ("ConvTranspose", 1) => shape[0] * product(shape.Skip(2)),
            ("Gemm", 1) => node.Attribute.Any(a => a.Name == "transB" && a.I != 0) ? shape[^1] : shape[0],
            ("MatMul", 1) => shape.Count >= 2 ? shape[^2] : shape[0],
            _ => 1,
        };
    }

    /// <summary>The weight's dims when it is a float initializer, Constant or ConstantOfShape; null otherwise.</summary>
    private static long[]? WeightShape(
        string name, Dictionary<string, TensorProto> initializers, Dictionary<string, NodeProto> producers, out NodeProto? producer)
    {
        producer = null;
        if (initializers.TryGetValue(name, out var initializer))
            return initializer.DataType == (int)DataType.Float ? initializer.Dims.ToArray() : null;
        if (!producers.TryGetValue(name, out var node)) return null;
        var value = node.Attribute.FirstOrDefault(a => a.Name == "value")?.T;
        if (node.OpType == "Constant" && value is not null && value.DataType == (int)DataType.Float)
        {
            producer = node;
            return value.Dims.ToArray();
        }
        if (node.OpType != "ConstantOfShape" || value is not null && value.DataType != (int)DataType.Float) return null;
        var shape = IntegerConstant(node.Input[0], initializers, producers);
        if (shape is not null) producer = node;
        return shape;
    }

    private static long[]? IntegerConstant(string name, Dictionary<string, TensorProto> initializers, Dictionary<string, NodeProto> producers)
    {
        var tensor = initializers.GetValueOrDefault(name)
            ?? (producers.TryGetValue(name, out var node) && node.OpType == "Constant"
                ? node.Attribute.FirstOrDefault(a => a.Name == "value")?.T : null);
        if (tensor is null || tensor.DataType != (int)DataType.Int64) return null;
        if (tensor.RawData.Length == 0) return tensor.Int64Data.ToArray();
        var raw = tensor.RawData.Span;
        var values = new long[raw.Length / 8];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt64LittleEndian(raw[(i * 8)..]);
        return values;
    }

    private static TensorProto RandomTensor(string name, long[] dims, Role role, long fanIn, ulong seed)
    {
        var random = new SplitMix64(seed ^ SplitMix64.Hash(name));
        float bound = (float)Math.Sqrt(6.0 / Math.Max(1, fanIn));
        long count = dims.Aggregate(1L, (a, b) => a * b);
        var raw = new byte[checked(count * 4)];
        for (long i = 0; i < count; i++)
        {
            float value = role switch
            {
                Role.FanIn => random.NextUniform(-bound, bound),
                Role.Scale or Role.Variance or Role.Factor => random.NextUniform(0.5f, 1.5f),
                Role.Slope => random.NextUniform(0f, 0.5f),
                _ => random.NextUniform(-0.1f, 0.1f), // Bias, Mean
            };
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan((int)(i * 4)), value);
        }
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Float, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    /// <summary>Drops Constant nodes (the shapes of removed ConstantOfShape nodes) that nothing reads any more.</summary>
    private static void RemoveUnusedConstants(GraphProto graph)
    {
        var used = graph.Node.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name)).ToHashSet();
        foreach (var node in graph.Node.Where(n => n.OpType == "Constant" && !n.Output.Any(used.Contains)).ToList())
            graph.Node.Remove(node);
    }
}
