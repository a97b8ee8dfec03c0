using DnnC.Compiler.IR;
using DnnC.Runtime;

namespace DnnC.Compiler.Passes;

/// <summary>
/// Folds inference batchnorm into the conv or dense layer that feeds it:
/// s = γ / √(σ² + ε), W' = W·s per output channel, b' = (b − μ)·s + β. Computed in float64
/// from the float32 weights, so the folded layer differs from conv-then-bn only by one rounding.
/// </summary>
public sealed class FoldBatchNorm : IPass
{
    public string Name => "fold-batchnorm";
    public GraphFacts Requires => GraphFacts.None;
    public GraphFacts Establishes => GraphFacts.None;

    public Graph Run(Graph graph, PassContext context)
    {
        var editor = new GraphEditor(graph);
        var folded = new List<string>();
        foreach (var bn in graph.Nodes.Where(n => n.Op is BatchNormOp).ToList())
        {
            var producer = editor.Producer(bn.Inputs[0]);
            string? kept = producer is null ? "its input is not computed by a node (a graph input)"
                : !IsFoldable(producer) ? $"its input comes from {producer.Op.Mnemonic} '{producer.Name}', not a conv or dense"
                : !editor.HasSingleUse(producer.Name, out _) ? $"'{producer.Name}' has other users, which need its unfolded output"
                : null;
            if (kept is not null)
            {
                context.Layer(Name, bn.Name, "kept", kept);
                continue;
            }
            var param = bn.Inputs.Skip(1).Select(editor.ConstantValue).ToList();
            var weights = editor.ConstantValue(producer!.Inputs[1]);
            var bias = HasBias(producer.Op) ? editor.ConstantValue(producer.Inputs[2]) : null;
            if (param.Any(p => p is null) || weights is null || (HasBias(producer.Op) && bias is null))
            {
                context.Layer(Name, bn.Name, "kept", "its statistics or the conv's weights are not constants");
                continue;
            }

            var (newWeights, newBias) = Fold(weights, bias, param[0]!, param[1]!, param[2]!, param[3]!, ((BatchNormOp)bn.Op).Epsilon);
            string w = editor.InsertConstant(bn.Name + ".folded_weight", newWeights, producer);
            string b = editor.InsertConstant(bn.Name + ".folded_bias", newBias, producer);
            Op op = producer.Op switch
            {
                Conv2dOp c => c with { HasBias = true },
                DenseOp d => d with { HasBias = true },
                _ => throw new InvalidOperationException(),
            };
            var inputs = new[] { producer.Inputs[0], w, b };
            // The folded layer takes the batchnorm's name: every consumer already refers to it.
            var merged = bn with
            {
                Op = op,
                Inputs = inputs.ToEquatableArray(),
                Type = editor.InferType(op, inputs),
                Layers = producer.Layers.Concat(bn.Layers).ToEquatableArray(),
                Location = producer.Location,
            };
            editor.Remove(producer);
            editor.Replace(bn, merged);
            folded.Add($"{bn.Name} into {producer.Name}");
            context.Layer(Name, bn.Name, "folded", $"into {producer.Op.Mnemonic} '{producer.Name}' (weights and bias rescaled in float64)");
        }
        context.Report(Name, $"folded {folded.Count} batchnorm(s)", folded);
        return editor.Build();
    }

    private static bool IsFoldable(Node node) => node.Op switch
    {
        Conv2dOp c => c.Epilogue.IsEmpty,
        DenseOp d => d.Epilogue.IsEmpty && node.Type.Rank == 2,
        _ => false,
    };

    private static bool HasBias(Op op) => op is Conv2dOp { HasBias: true } or DenseOp { HasBias: true };

    /// <summary>
    /// The folded bias now; the folded weights deferred until something reads them (the runtime,
    /// the simulator), since a build needs only their shape.
    /// </summary>
    internal static (HostTensor Weights, HostTensor Bias) Fold(
        HostTensor weights, HostTensor? bias, HostTensor gamma, HostTensor beta, HostTensor mean, HostTensor variance, float epsilon)
    {
        int channels = weights.Shape[0];
        var (scale, shift) = ScaleShift(gamma, beta, mean, variance, epsilon);
        var b = new float[channels];
        for (int k = 0; k < channels; k++) b[k] = (float)((bias?.Data[k] ?? 0.0) * scale[k] + shift[k]);
        var w = HostTensor.Deferred((int[])weights.Shape.Clone(), () => ScaleRows(weights.Data, scale));
        return (w, new HostTensor([channels], b));
    }

    /// <summary>Row k of <paramref name="weights"/> (one output channel) times scale[k], in float64.</summary>
    private static float[] ScaleRows(float[] weights, double[] scale)
    {
        int perChannel = weights.Length / scale.Length;
        var w = new float[weights.Length];
        for (int k = 0; k < scale.Length; k++)
        {
            var from = weights.AsSpan(k * perChannel, perChannel);
            var to = w.AsSpan(k * perChannel, perChannel);
            for (int i = 0; i < perChannel; i++) to[i] = (float)(from[i] * scale[k]);
        }
        return w;
    }

    /// <summary>Inference batchnorm as y = x·s + t: s = γ/√(σ²+ε), t = β − μ·s, in float64.</summary>
    internal static (double[] Scale, double[] Shift) ScaleShift(
        HostTensor gamma, HostTensor beta, HostTensor mean, HostTensor variance, float epsilon)
    {
        var scale = new double[gamma.Length];
        var shift = new double[gamma.Length];
        for (int c = 0; c < scale.Length; c++)
        {
            scale[c] = gamma.Data[c] / Math.Sqrt((double)variance.Data[c] + epsilon);
            shift[c] = beta.Data[c] - mean.Data[c] * scale[c];
        }
        return (scale, shift);
    }
}
