using DnnC.Compiler.IR;

namespace DnnC.Compiler.Onnx;

/// <summary>
/// The ONNX operators DnnC imports, by op_type, each with the converter that maps a node onto
/// IR ops. The families live in one file each (ShapeOps, ElementwiseOps, ...).
/// </summary>
internal static partial class OnnxOps
{
    public static readonly IReadOnlyDictionary<string, Action<NodeContext>> Converters = Build();

    private static Dictionary<string, Action<NodeContext>> Build()
    {
        var table = new Dictionary<string, Action<NodeContext>>(StringComparer.Ordinal);
        RegisterShapeOps(table);
        RegisterElementwiseOps(table);
        RegisterNormalizationOps(table);
        RegisterReduceOps(table);
        RegisterConvOps(table);
        RegisterLinearOps(table);
        RegisterResizeOps(table);
        return table;
    }

    // --- helpers shared by the families ---

    /// <summary>A reshape that costs nothing for constants and is skipped when the shape is unchanged.</summary>
    private static ImportValue Reshape(NodeContext n, ImportValue x, int[] shape)
    {
        if (x.Shape.SequenceEqual(shape)) return x;
        if (x.Constant is { } c) return ImportValue.Const(c.WithShape(shape), x.ElemType);
        return n.Emit(new ReshapeOp(shape), x);
    }

    private static ImportValue Transpose(NodeContext n, ImportValue x, int[] perm) =>
        perm.Select((p, i) => p == i).All(b => b) ? x : n.Emit(new TransposeOp(perm), x);

    private static int[] ToInts(NodeContext n, IEnumerable<long> values, string what) =>
        values.Select(v => NodeContext.ToInt(v, what)).ToArray();

    private static int[] ConstShape(NodeContext n, int input, string what) =>
        ToInts(n, n.ConstInput(input, what).ToInt64s(), what);
}
