using DnnC.Runtime;

namespace DnnC.Compiler.IR;

/// <summary>
/// 2-D transposed convolution, NCHW input and [Cin, Cout/groups, R, S] weights (ONNX layout).
/// Inputs: x, w, then bias [Cout] when <see cref="HasBias"/>. Pads are [top, left, bottom, right];
/// OutputPadding adds rows and columns at the bottom and right.
/// </summary>
public sealed record ConvTransposeOp(
    EquatableArray<int> Strides,
    EquatableArray<int> Pads,
    EquatableArray<int> Dilations,
    EquatableArray<int> OutputPadding,
    int Groups,
    bool HasBias) : Op
{
    public override string Mnemonic => "conv_transpose2d";
    public override (int Min, int Max) Arity => (2, 3);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var x = inputs[0];
        var w = inputs[1];
        if (x.Rank != 4 || w.Rank != 4) return ShapeResult.Fail($"input and weights must be 4-D, got {x} and {w}");
        if (Strides.Any(s => s <= 0) || Dilations.Any(d => d <= 0) || Groups <= 0 || OutputPadding.Any(p => p < 0))
            return ShapeResult.Fail("strides, dilations and groups must be positive and output padding non-negative");
        if (w[0] != x[1] || x[1] % Groups != 0)
            return ShapeResult.Fail($"input {x} has {x[1]} channels but weights {w} expect {w[0]} (groups={Groups})");
        int cout = w[1] * Groups;
        if (HasBias && (inputs.Count < 3 || inputs[2].Rank != 1 || inputs[2][0] != cout))
            return ShapeResult.Fail($"bias must be [{cout}]");
        int ho = OutputSize(x[2], w[2], 0), wo = OutputSize(x[3], w[3], 1);
        if (ho <= 0 || wo <= 0) return ShapeResult.Fail($"pads {Ints(Pads)} leave no output for input {x}");
        return ShapeResult.Ok(new TensorType(x.DType, [x[0], cout, ho, wo]));
    }

    public int OutputSize(int input, int kernel, int axis) =>
        Strides[axis] * (input - 1) + OutputPadding[axis] + (kernel - 1) * Dilations[axis] + 1 - Pads[axis] - Pads[axis + 2];

    public override IEnumerable<(string Key, string Value)> Attributes() =>
    [
        ("stride", Ints(Strides)), ("pad", Ints(Pads)), ("dilation", Ints(Dilations)),
        ("output_padding", Ints(OutputPadding)), ("groups", Groups.ToString()),
    ];
}
