using DnnC.Compiler.Onnx.Proto;

namespace DnnC.Conformance.Models;

/// <summary>
/// Makes a classifier output its logits instead of their softmax. With random weights the logits
/// of a deep network can be large enough to saturate the softmax into a one-hot vector that hides
/// every error; the logits keep each error visible.
/// </summary>
public static class FinalSoftmax
{
    /// <summary>A copy of <paramref name="original"/> whose outputs produced by Softmax are replaced by the Softmax's input.</summary>
    public static ModelProto Remove(ModelProto original)
    {
        var model = original.Clone();
        var graph = model.Graph;
        foreach (var output in graph.Output)
        {
            var softmax = graph.Node.FirstOrDefault(n => n.OpType == "Softmax" && n.Output.Contains(output.Name));
            if (softmax is null) continue;
            graph.Node.Remove(softmax);
            // Softmax keeps its input's shape and type, so the output's declared type still holds.
            output.Name = softmax.Input[0];
        }
        return model;
    }
}
