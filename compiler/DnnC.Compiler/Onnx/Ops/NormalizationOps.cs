using DnnC.Compiler.IR;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Onnx;

/// <summary>Batch, instance and layer normalization, LRN, and (log-)softmax.</summary>
internal static partial class OnnxOps
{
    private static void RegisterNormalizationOps(Dictionary<string, Action<NodeContext>> t)
    {
        t["BatchNormalization"] = BatchNormalization;
        t["InstanceNormalization"] = n => n.SetOutput(0, n.Emit(new InstanceNormOp(n.Float("epsilon", 1e-5f)),
            n.Input(0), n.Input(1), n.Input(2)));
        t["LayerNormalization"] = LayerNormalization;
        t["LRN"] = Lrn;
        t["Softmax"] = n => Softmax(n, axis => new SoftmaxOp(axis));
        t["LogSoftmax"] = n => Softmax(n, axis => new LogSoftmaxOp(axis));
    }

    private static void BatchNormalization(NodeContext n)
    {
        if (n.Int("training_mode", 0) != 0)
        {
            BatchNormalizationTraining(n);
            return;
        }
        if (n.Opset < 9 && n.Int("spatial", 1) == 0) throw n.Unsupported("spatial=0 (per-element statistics)");
        for (int i = 1; i < 5; i++)
            if (n.HasOutput(i)) throw n.Unsupported($"output {i} (running statistics are a training output)");
        var x = n.Input(0);
        if (x.Rank < 2) throw n.Invalid($"input must have a channel axis, got rank {x.Rank}");
        var parameters = Enumerable.Range(1, 4).Select(n.Input).ToArray();
        float epsilon = n.Float("epsilon", 1e-5f);
        if (parameters.All(p => p.IsConstant))
        {
            n.SetOutput(0, n.Emit(new BatchNormOp(epsilon), x.ElemType, [x, .. parameters]));
            return;
        }
        // Statistics fed at run time cannot fold into weights: spell the formula out, per channel.
        var perChannel = Enumerable.Range(0, x.Rank).Select(a => a == 1 ? x.Shape[1] : 1).ToArray();
        var (scale, bias, mean, variance) = (Reshape(n, parameters[0], perChannel), Reshape(n, parameters[1], perChannel),
            Reshape(n, parameters[2], perChannel), Reshape(n, parameters[3], perChannel));
        ImportValue Binary(BinaryKind kind, ImportValue a, ImportValue b) => n.Emit(new BinaryOp(kind), a, b);
        var deviation = n.Emit(new UnaryMathOp(UnaryKind.Sqrt), Binary(BinaryKind.Add, variance, n.Scalar(epsilon)));
        var normalized = Binary(BinaryKind.Div, Binary(BinaryKind.Sub, x, mean), deviation);
        n.SetOutput(0, Binary(BinaryKind.Add, Binary(BinaryKind.Mul, normalized, scale), bias));
    }

    /// <summary>
    /// training_mode=1 (opset 14+): normalize with the batch's own statistics over every axis but
    /// the channel axis (the population variance), and return the running statistics blended with
    /// momentum, as the ONNX reference does.
    /// </summary>
    private static void BatchNormalizationTraining(NodeContext n)
    {
        var x = n.Input(0);
        if (x.Rank < 2) throw n.Invalid($"input must have a channel axis, got rank {x.Rank}");
        int channels = x.Shape[1];
        float epsilon = n.Float("epsilon", 1e-5f);
        double momentum = n.Float("momentum", 0.9f);
        var axes = Enumerable.Range(0, x.Rank).Where(a => a != 1).ToArray();
        var perChannel = Enumerable.Range(0, x.Rank).Select(a => a == 1 ? channels : 1).ToArray();
        ImportValue Broadcastable(ImportValue v) => Reshape(n, v, perChannel);
        ImportValue Binary(BinaryKind kind, ImportValue a, ImportValue b) => n.Emit(new BinaryOp(kind), a, b);

        var mean = n.Emit(new ReduceOp(ReduceKind.Mean, axes, true), x);
        var centered = Binary(BinaryKind.Sub, x, mean);
        var variance = n.Emit(new ReduceOp(ReduceKind.Mean, axes, true), Binary(BinaryKind.Mul, centered, centered));
        var deviation = n.Emit(new UnaryMathOp(UnaryKind.Sqrt), Binary(BinaryKind.Add, variance, n.Scalar(epsilon)));
        var normalized = Binary(BinaryKind.Div, centered, deviation);
        n.SetOutput(0, Binary(BinaryKind.Add, Binary(BinaryKind.Mul, normalized, Broadcastable(n.Input(1))), Broadcastable(n.Input(2))));

        ImportValue Running(ImportValue previous, ImportValue batch) =>
            Binary(BinaryKind.Add, Binary(BinaryKind.Mul, previous, n.Scalar(momentum)),
                Binary(BinaryKind.Mul, Reshape(n, batch, [channels]), n.Scalar(1 - momentum)));
        if (n.HasOutput(1)) n.SetOutput(1, Running(n.Input(3), mean));
        if (n.HasOutput(2)) n.SetOutput(2, Running(n.Input(4), variance));
    }

    private static void LayerNormalization(NodeContext n)
    {
        var x = n.Input(0);
        int axis = n.Axis(n.Int("axis", -1), x.Rank);
        float epsilon = n.Float("epsilon", 1e-5f);
        var op = new LayerNormOp(axis, epsilon);
        var result = n.OptionalInput(2) is { } bias ? n.Emit(op, x, n.Input(1), bias) : n.Emit(op, x, n.Input(1));
        n.SetOutput(0, result);
        if (!n.HasOutput(1) && !n.HasOutput(2)) return;
        // The optional statistics, spelled out: mean, and 1 / √(mean((x − mean)²) + ε), kept as [..., 1, 1].
        var axes = Enumerable.Range(axis, x.Rank - axis).ToArray();
        var mean = n.Emit(new ReduceOp(ReduceKind.Mean, axes, true), x);
        var centered = n.Emit(new BinaryOp(BinaryKind.Sub), x, mean);
        var variance = n.Emit(new ReduceOp(ReduceKind.Mean, axes, true), n.Emit(new BinaryOp(BinaryKind.Mul), centered, centered));
        var shifted = n.Emit(new BinaryOp(BinaryKind.Add), variance, n.Scalar(epsilon));
        n.SetOutput(1, mean);
        n.SetOutput(2, n.Emit(new UnaryMathOp(UnaryKind.Reciprocal), n.Emit(new UnaryMathOp(UnaryKind.Sqrt), shifted)));
    }

    private static void Lrn(NodeContext n)
    {
        if (!n.Has("size")) throw n.Invalid("the size attribute is required");
        var op = new LrnOp((int)n.Int("size", 1), n.Float("alpha", 1e-4f), n.Float("beta", 0.75f), n.Float("bias", 1f));
        n.SetOutput(0, n.Emit(op, n.Input(0)));
    }

    /// <summary>
    /// Opset 13 normalizes along one axis. Before, the input is coerced to 2-D at the axis and
    /// normalized over the whole trailing block, which is the same only for the last axis.
    /// </summary>
    private static void Softmax(NodeContext n, Func<int, Op> create)
    {
        var x = n.Input(0);
        int axis = n.Axis(n.Int("axis", n.Opset < 13 ? 1 : -1), Math.Max(x.Rank, 1));
        if (x.Rank == 0) throw n.Invalid("the input is a scalar");
        if (n.Opset >= 13 || axis == x.Rank - 1)
        {
            n.SetOutput(0, n.Emit(create(axis), x));
            return;
        }
        int outer = (int)Checked.Count(x.Shape[..axis]), inner = (int)Checked.Count(x.Shape[axis..]);
        var flat = Reshape(n, x, [outer, inner]);
        n.SetOutput(0, Reshape(n, n.Emit(create(1), flat), x.Shape));
    }
}
