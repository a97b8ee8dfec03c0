using DnnC.Compiler.IR;
using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Lowering;

/// <summary>
/// Kernel specs for the math, reduction and normalization ops. Unary, binary and where become
/// pointwise chains (one step each), so they share the elementwise template and executor and a unary
/// step can fuse into neighbouring chains; the rest get their own row-wise templates.
/// </summary>
internal static class MathLowering
{
    public static KernelSpec? SpecFor(Op op, IReadOnlyList<TensorType> inputs, TensorType output) => op switch
    {
        UnaryMathOp u => Pointwise(output, inputs, new UnaryMathStep(u.Kind, u.Alpha, u.Beta)),
        MathBinaryOp m => Pointwise(output, inputs, new MathBinaryStep(m.Kind, 1)),
        WhereOp => Pointwise(output, inputs, new SelectStep(1, 2)),
        ReduceOp r => Reduce(r, inputs[0]),
        LayerNormOp l => LayerNorm(l, inputs),
        InstanceNormOp i => new InstanceNormSpec(inputs[0][0], inputs[0][1], Spatial(inputs[0], 2), i.Epsilon),
        LogSoftmaxOp s => new LogSoftmaxSpec(Product(inputs[0].Dims[..s.Axis]), inputs[0][s.Axis], Product(inputs[0].Dims[(s.Axis + 1)..])),
        LrnOp l => new LrnSpec(inputs[0][0], inputs[0][1], Spatial(inputs[0], 2), l.Size, l.Alpha, l.Beta, l.Bias),
        _ => null,
    };

    private static PointwiseSpec Pointwise(TensorType output, IReadOnlyList<TensorType> inputs, EpilogueStep step) =>
        new(output.Shape, [step],
            inputs.Select((t, i) => new PlanOperand(i + 1, PlanLowering.BroadcastStrides(t.Dims, output.Dims))).ToEquatableArray());

    /// <summary>
    /// Drops size-1 axes and merges neighbouring axes that are both kept or both reduced, so the
    /// kernel decomposes as few coordinates as possible (a contiguous reduction becomes [Outer, Length, Inner]).
    /// </summary>
    private static ReduceSpec Reduce(ReduceOp op, TensorType x)
    {
        var shape = new List<int>();
        var reduced = new List<bool>();
        for (int d = 0; d < x.Rank; d++)
        {
            if (x[d] == 1) continue;
            bool r = op.Axes.Contains(d);
            if (shape.Count > 0 && reduced[^1] == r) shape[^1] *= x[d];
            else
            {
                shape.Add(x[d]);
                reduced.Add(r);
            }
        }
        var axes = Enumerable.Range(0, shape.Count).Where(d => reduced[d]).ToEquatableArray();
        return new ReduceSpec(op.Kind, shape.ToEquatableArray(), axes);
    }

    private static LayerNormSpec LayerNorm(LayerNormOp op, IReadOnlyList<TensorType> inputs)
    {
        var normalized = inputs[0].Dims[op.Axis..];
        var strides = inputs.Skip(1).Select(p => PlanLowering.BroadcastStrides(p.Dims, normalized).ToArray()).ToList();
        var (shape, merged) = MergeDims(normalized, strides);
        return new LayerNormSpec(
            Product(inputs[0].Dims[..op.Axis]), shape.ToEquatableArray(), op.Epsilon,
            new PlanOperand(2, merged[0].ToEquatableArray()),
            merged.Count > 1 ? new PlanOperand(3, merged[1].ToEquatableArray()) : null);
    }

    /// <summary>
    /// Merges dimension d into d+1 wherever every operand steps through both as one (stride[d] =
    /// stride[d+1]·size[d+1], zeros included), so a full-size or per-last-axis parameter needs one coordinate.
    /// </summary>
    private static (List<int> Shape, List<List<long>> Strides) MergeDims(int[] shape, List<long[]> strides)
    {
        var outShape = new List<int> { shape[^1] };
        var outStrides = strides.Select(s => new List<long> { s[^1] }).ToList();
        for (int d = shape.Length - 2; d >= 0; d--)
        {
            bool merge = strides.Select((s, i) => s[d] == outStrides[i][0] * outShape[0]).All(m => m);
            if (merge)
            {
                outShape[0] *= shape[d];
                continue;
            }
            outShape.Insert(0, shape[d]);
            for (int i = 0; i < strides.Count; i++) outStrides[i].Insert(0, strides[i][d]);
        }
        return (outShape, outStrides);
    }

    private static int Spatial(TensorType x, int from) => Product(x.Dims[from..]);

    private static int Product(IEnumerable<int> dims) => dims.Aggregate(1, (a, b) => a * b);
}
