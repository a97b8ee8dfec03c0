using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.IR;

/// <summary>
/// Windowed pooling over NCHW with dilated windows (ONNX MaxPool, and AveragePool from
/// opset 19). Window tap k of an output position reads input offset k · Dilations. The
/// importer uses <see cref="PoolOp"/> when every dilation is 1. A max pool can write the
/// position of each maximum instead of its value (<see cref="PoolOutput"/>).
/// </summary>
public sealed record DilatedPoolOp(
    PoolKind Kind,
    EquatableArray<int> Kernel,
    EquatableArray<int> Strides,
    EquatableArray<int> Pads,
    EquatableArray<int> Dilations,
    bool CountIncludePad = false,
    bool CeilMode = false,
    PoolOutput Output = PoolOutput.Value) : Op
{
    public override string Mnemonic => Kind == PoolKind.Average ? "dilated_avgpool"
        : Output == PoolOutput.Value ? "dilated_maxpool" : "dilated_maxpool_indices";
    public override (int Min, int Max) Arity => (1, 1);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var x = inputs[0];
        if (x.Rank != 4) return ShapeResult.Fail($"input must be 4-D NCHW, got {x}");
        if (Kernel.Any(k => k <= 0) || Strides.Any(s => s <= 0) || Dilations.Any(d => d <= 0) || Pads.Any(p => p < 0))
            return ShapeResult.Fail("kernel, strides and dilations must be positive and pads non-negative");
        if (Output != PoolOutput.Value && Kind != PoolKind.Max) return ShapeResult.Fail("only a max pool has indices");
        if (Output != PoolOutput.Value && HostTensor.ElementCount(x.Shape) > MaxIndexedElements)
            return ShapeResult.Fail($"indices into {x} would not be exact in float32 (more than 2^24 elements)");
        int ho = OutputSize(x[2], 0), wo = OutputSize(x[3], 1);
        if (ho <= 0 || wo <= 0) return ShapeResult.Fail($"a {Kernel[0]}x{Kernel[1]} dilated window does not fit input {x}");
        return ShapeResult.Ok(new TensorType(x.DType, [x[0], x[1], ho, wo]));
    }

    /// <summary>Indices are float32 values: exact for flat positions below 2^24.</summary>
    public const long MaxIndexedElements = 1 << 24;

    /// <summary>ONNX's rule: with ceil mode, a last window starting past the input and leading pad is dropped.</summary>
    public int OutputSize(int input, int axis)
    {
        int padTotal = Pads[axis] + Pads[axis + 2];
        int effective = (Kernel[axis] - 1) * Dilations[axis] + 1;
        int span = input + padTotal - effective;
        if (span < 0) return 0;
        int stride = Strides[axis];
        int size = (CeilMode ? (span + stride - 1) / stride : span / stride) + 1;
        if (CeilMode && (size - 1) * stride >= input + Pads[axis]) size--;
        return size;
    }

    public override IEnumerable<(string Key, string Value)> Attributes()
    {
        yield return ("kernel", Ints(Kernel));
        yield return ("stride", Ints(Strides));
        yield return ("pad", Ints(Pads));
        yield return ("dilation", Ints(Dilations));
        if (Kind == PoolKind.Average && CountIncludePad) yield return ("count_include_pad", "1");
        if (CeilMode) yield return ("ceil_mode", "1");
        if (Output != PoolOutput.Value) yield return ("indices", Output == PoolOutput.RowMajorIndex ? "row_major" : "column_major");
    }
}
