using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.IR;

/// <summary>
/// 2-D convolution, NCHW input and [Cout, Cin/groups, R, S] weights. Inputs: x, w, then bias
/// when <see cref="HasBias"/>, then epilogue operands. <see cref="InputShift"/> (kernel size,
/// 0 for none) is a shift folded into the operand load, REFERENCE.md §5.
/// Pads are [top, left, bottom, right].
/// </summary>
public sealed record Conv2dOp(
    EquatableArray<int> Strides,
    EquatableArray<int> Pads,
    EquatableArray<int> Dilations,
    int Groups,
    bool HasBias,
    EquatableArray<EpilogueStep> Epilogue,
    int InputShift = 0) : Op
{
    public static Conv2dOp Create(int stride = 1, int pad = 0, int dilation = 1, int groups = 1, bool hasBias = true) =>
        new([stride, stride], [pad, pad, pad, pad], [dilation, dilation], groups, hasBias, EquatableArray<EpilogueStep>.Empty);

    public override string Mnemonic => "conv2d";
    public override (int Min, int Max) Arity => (2, int.MaxValue);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var x = inputs[0];
        var w = inputs[1];
        if (x.Rank != 4) return ShapeResult.Fail($"input must be 4-D NCHW, got {x}");
        if (w.Rank != 4) return ShapeResult.Fail($"weights must be 4-D [Cout, Cin/groups, R, S], got {w}");
        if (Strides.Any(s => s <= 0) || Dilations.Any(d => d <= 0) || Pads.Any(p => p < 0) || Groups <= 0)
            return ShapeResult.Fail("strides, dilations and groups must be positive and pads non-negative");
        if (x[1] % Groups != 0 || w[0] % Groups != 0)
            return ShapeResult.Fail($"{x[1]} input channels and {w[0]} output channels must both divide by groups={Groups}");
        if (w[1] * Groups != x[1])
            return ShapeResult.Fail($"input {x} has {x[1]} channels but weights {w} expect {w[1] * Groups}");
        if (HasBias && (inputs.Count < 3 || inputs[2].Rank != 1 || inputs[2][0] != w[0]))
            return ShapeResult.Fail($"bias must be [{w[0]}], got {(inputs.Count < 3 ? "none" : inputs[2].ToString())}");
        if (InputShift != 0 && (w[2] != 1 || w[3] != 1))
            return ShapeResult.Fail("a shift can only be folded into a 1x1 convolution");
        int ho = OutputSize(x[2], w[2], Strides[0], Pads[0] + Pads[2], Dilations[0]);
        int wo = OutputSize(x[3], w[3], Strides[1], Pads[1] + Pads[3], Dilations[1]);
        if (ho <= 0 || wo <= 0)
            return ShapeResult.Fail($"a {w[2]}x{w[3]} kernel does not fit input {x} with these pads and dilations");
        return IR.Epilogue.Apply(Mnemonic, new TensorType(x.DType, [x[0], w[0], ho, wo]), Epilogue, inputs);
    }

    public static int OutputSize(int input, int kernel, int stride, int padTotal, int dilation) =>
        (input + padTotal - dilation * (kernel - 1) - 1) / stride + 1;

    public override IEnumerable<(string Key, string Value)> Attributes()
    {
        yield return ("stride", Ints(Strides));
        yield return ("pad", Ints(Pads));
        yield return ("dilation", Ints(Dilations));
        yield return ("groups", Groups.ToString());
        if (InputShift != 0) yield return ("input_shift", InputShift.ToString());
        if (!Epilogue.IsEmpty) yield return ("epilogue", IR.Epilogue.Format(Epilogue));
    }
}
