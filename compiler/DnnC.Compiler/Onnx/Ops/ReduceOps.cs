using DnnC.Compiler.IR;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Onnx;

/// <summary>Reduce* operators, with axes as an attribute or (ReduceSum from 13, the rest from 18) an input.</summary>
internal static partial class OnnxOps
{
    private static void RegisterReduceOps(Dictionary<string, Action<NodeContext>> t)
    {
        foreach (var (name, kind) in new[]
        {
            ("ReduceSum", ReduceKind.Sum), ("ReduceMean", ReduceKind.Mean), ("ReduceMax", ReduceKind.Max),
            ("ReduceMin", ReduceKind.Min), ("ReduceProd", ReduceKind.Prod), ("ReduceL1", ReduceKind.L1),
            ("ReduceL2", ReduceKind.L2), ("ReduceSumSquare", ReduceKind.SumSquare), ("ReduceLogSum", ReduceKind.LogSum),
            ("ReduceLogSumExp", ReduceKind.LogSumExp),
        })
            t[name] = n => Reduce(n, kind);
    }

    private static void Reduce(NodeContext n, ReduceKind kind)
    {
        var x = n.Input(0);
        int axesAsInputFrom = kind == ReduceKind.Sum ? 13 : 18;
        bool keepDims = n.Int("keepdims", 1) != 0;
        long[]? requested = n.Opset < axesAsInputFrom ? n.Ints("axes") : n.OptionalConstInput(1, "axes")?.ToInt64s();
        if (requested is null || requested.Length == 0)
        {
            if (n.Opset >= axesAsInputFrom && n.Int("noop_with_empty_axes", 0) != 0)
            {
                n.SetOutput(0, x);
                return;
            }
            requested = Enumerable.Range(0, x.Rank).Select(a => (long)a).ToArray();
        }
        if (x.Rank == 0)
        {
            // A scalar reduces as a one-element vector.
            var vector = Reshape(n, x, [1]);
            n.SetOutput(0, n.Emit(new ReduceOp(kind, [0], false), vector));
            return;
        }
        var axes = n.Axes(requested, x.Rank).Order().ToArray();
        n.SetOutput(0, n.Emit(new ReduceOp(kind, axes, keepDims), x));
    }
}
