using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.IR;

/// <summary>Windowed pooling over NCHW. Pads are [top, left, bottom, right].</summary>
public sealed record PoolOp(
    PoolKind Kind,
    EquatableArray<int> Kernel,
    EquatableArray<int> Strides,
    EquatableArray<int> Pads,
    bool CountIncludePad = false,
    bool CeilMode = false) : Op
{
    public override string Mnemonic => Kind == PoolKind.Max ? "maxpool" : "avgpool";
    public override (int Min, int Max) Arity => (1, 1);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var x = inputs[0];
        if (x.Rank != 4) return ShapeResult.Fail($"input must be 4-D NCHW, got {x}");
        if (Kernel.Any(k => k <= 0) || Strides.Any(s => s <= 0) || Pads.Any(p => p < 0))
            return ShapeResult.Fail("kernel and strides must be positive and pads non-negative");
        if (Pads[0] >= Kernel[0] || Pads[2] >= Kernel[0] || Pads[1] >= Kernel[1] || Pads[3] >= Kernel[1])
            return ShapeResult.Fail($"pads {Ints(Pads)} must be smaller than the kernel {Ints(Kernel)}");
        int ho = OutputSize(x[2], Kernel[0], Strides[0], Pads[0] + Pads[2]);
        int wo = OutputSize(x[3], Kernel[1], Strides[1], Pads[1] + Pads[3]);
        if (ho <= 0 || wo <= 0) return ShapeResult.Fail($"a {Kernel[0]}x{Kernel[1]} window does not fit input {x}");
        return ShapeResult.Ok(new TensorType(x.DType, [x[0], x[1], ho, wo]));
    }

    public int OutputSize(int input, int kernel, int stride, int padTotal)
    {
        int span = input + padTotal - kernel;
        if (span < 0) return 0;
        int size = (CeilMode ? (span + stride - 1) / stride : span / stride) + 1;
        // ONNX/PyTorch rule: the last window must start inside the input or its leading pad.
        if (CeilMode && (size - 1) * stride >= input + padTotal / 2) size--;
        return size;
    }

    public override IEnumerable<(string Key, string Value)> Attributes()
    {
        yield return ("kernel", Ints(Kernel));
        yield return ("stride", Ints(Strides));
        yield return ("pad", Ints(Pads));
        if (Kind == PoolKind.Average && CountIncludePad) yield return ("count_include_pad", "1");
        if (CeilMode) yield return ("ceil_mode", "1");
    }
}

/// <summary>Pooling over all spatial positions: NCHW to NC11.</summary>
public sealed record GlobalPoolOp(PoolKind Kind) : Op
{
    public override string Mnemonic => Kind == PoolKind.Max ? "global_maxpool" : "global_avgpool";
    public override (int Min, int Max) Arity => (1, 1);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var x = inputs[0];
        if (x.Rank < 3) return ShapeResult.Fail($"input must be NC followed by spatial axes, got {x}");
        int[] shape = [x[0], x[1], .. Enumerable.Repeat(1, x.Rank - 2)];
        return ShapeResult.Ok(new TensorType(x.DType, shape));
    }
}

/// <summary>Softmax along one axis (ONNX opset 13 semantics).</summary>
public sealed record SoftmaxOp(int Axis) : Op
{
    public override string Mnemonic => "softmax";
    public override (int Min, int Max) Arity => (1, 1);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs) =>
        Axis >= 0 && Axis < inputs[0].Rank
            ? Same(inputs[0])
            : ShapeResult.Fail($"axis {Axis} is out of range for {inputs[0]}");

    public override IEnumerable<(string Key, string Value)> Attributes() => [("axis", Axis.ToString())];
}
