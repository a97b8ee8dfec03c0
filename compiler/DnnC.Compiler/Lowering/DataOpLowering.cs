using DnnC.Compiler.CodeGen;
using DnnC.Compiler.IR;
using DnnC.Runtime.Targets;
using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Lowering;

/// <summary>
/// Kernel specs for the data-movement and window ops the ONNX importer produces: slice, gather,
/// pad, tile, resize, transposed convolution and dilated pooling. Expand needs no spec of its own:
/// it is a pointwise chain with no steps whose head operand broadcasts (see PlanLowering).
/// </summary>
internal static class DataOpLowering
{
    public static KernelSpec Slice(SliceOp op, TensorType x) => new SliceSpec(x.Shape, op.Starts, op.Steps, op.Sizes);

    public static KernelSpec Gather(GatherOp op, TensorType x, TensorType indices)
    {
        var dims = x.Dims;
        return new GatherSpec(Product(dims[..op.Axis]), dims[op.Axis], (int)indices.ElementCount, Product(dims[(op.Axis + 1)..]));
    }

    public static KernelSpec Pad(PadOp op, TensorType x) => new PadSpec(x.Shape, op.Pads, op.Mode switch
    {
        PadMode.Constant => PadFill.Constant,
        PadMode.Reflect => PadFill.Reflect,
        PadMode.Edge => PadFill.Edge,
        PadMode.Wrap => PadFill.Wrap,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op.Mode, "unknown pad mode"),
    }, op.Value);

    public static KernelSpec Tile(TileOp op, TensorType x) => new TileSpec(x.Shape, op.Repeats);

    public static KernelSpec Resize(ResizeOp op, TensorType x, TensorType output) => ResizeTables.Build(op, x, output);

    public static KernelSpec ConvTranspose(ConvTransposeOp op, TensorType x, TensorType w, TensorType output, GpuTarget target)
    {
        int k = output[1];
        int kg = k / op.Groups, reduction = x[1] / op.Groups * w[2] * w[3];
        var tile = TileSelection.Choose((long)output[0] * output[2] * output[3], kg, reduction, target);
        return new ConvTransposeSpec(x[0], x[1], x[2], x[3], k, w[2], w[3], output[2], output[3],
            op.Strides[0], op.Strides[1], op.Pads[0], op.Pads[1], op.Dilations[0], op.Dilations[1], op.Groups, op.HasBias, tile);
    }

    public static KernelSpec DilatedPool(DilatedPoolOp op, TensorType x, TensorType output) =>
        new DilatedPoolSpec(op.Kind, x[0], x[1], x[2], x[3], output[2], output[3],
            op.Kernel[0], op.Kernel[1], op.Strides[0], op.Strides[1], op.Pads[0], op.Pads[1], op.Pads[2], op.Pads[3],
            op.Dilations[0], op.Dilations[1], op.CountIncludePad, op.Output);

    private static int Product(IEnumerable<int> dims) => dims.Aggregate(1, (a, b) => a * b);
}
