using DnnC.Compiler.Onnx.Proto;
using Google.Protobuf;

namespace DnnC.Conformance.Running;

/// <summary>
/// DnnC compiles for static shapes, so an input that only sets a shape, axes, pads, scales,
/// bounds, gather indices or Dropout's ratio and mode is baked into the model as an initializer
/// holding the case's value. Inputs that carry data stay runtime inputs, so every computation is
/// still tested.
/// </summary>
public static class ParameterInputs
{
    /// <summary>For each op, the input positions that parameterize it rather than carry data.</summary>
    private static readonly Dictionary<string, int[]> Slots = new(StringComparer.Ordinal)
    {
        ["Reshape"] = [1], ["Expand"] = [1], ["Tile"] = [1], ["Slice"] = [1, 2, 3, 4],
        ["Squeeze"] = [1], ["Unsqueeze"] = [1], ["Split"] = [1], ["Pad"] = [1, 2, 3],
        ["ReduceMean"] = [1], ["ReduceSum"] = [1], ["ReduceMax"] = [1], ["ReduceMin"] = [1], ["ReduceL2"] = [1],
        ["Resize"] = [1, 2, 3], ["Upsample"] = [1], ["Clip"] = [1, 2], ["ConstantOfShape"] = [0], ["Gather"] = [1],
        ["Dropout"] = [1, 2],
    };

    /// <summary>
    /// Rewrites <paramref name="model"/> in place, moving each runtime input used only in parameter
    /// slots into the initializers; returns the indices (among runtime inputs) that were baked.
    /// </summary>
    public static IReadOnlySet<int> Bake(ModelProto model, IReadOnlyList<ValueInfoProto> runtimeInputs, IReadOnlyList<byte[]> values)
    {
        var baked = new HashSet<int>();
        for (int i = 0; i < runtimeInputs.Count && i < values.Count; i++)
        {
            string name = runtimeInputs[i].Name;
            if (!IsParameterOnly(model.Graph, name)) continue;
            var tensor = TensorProto.Parser.ParseFrom(values[i]);
            tensor.Name = name;
            model.Graph.Initializer.Add(tensor);
            model.Graph.Input.Remove(runtimeInputs[i]);
            baked.Add(i);
        }
        return baked;
    }

    private static bool IsParameterOnly(GraphProto graph, string name)
    {
        bool used = false;
        foreach (var node in graph.Node)
        {
            for (int slot = 0; slot < node.Input.Count; slot++)
            {
                if (node.Input[slot] != name) continue;
                used = true;
                bool defaultDomain = node.Domain is "" or "ai.onnx";
                if (!defaultDomain || !Slots.TryGetValue(node.OpType, out var slots) || !slots.Contains(slot)) return false;
            }
        }
        // A graph output that is also an input must stay an input.
        return used && graph.Output.All(o => o.Name != name);
    }

    public static byte[] Serialize(ModelProto model) => model.ToByteArray();
}
