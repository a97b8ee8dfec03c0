using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.IR;


/// <summary>A unary activation; see <see cref="ActivationStep"/> for Alpha and Beta.</summary>
public sealed record ActivationOp(ActivationKind Kind, float Alpha = 0, float Beta = 0) : Op
{
    public override string Mnemonic => Name(Kind);
    public override (int Min, int Max) Arity => (1, 1);
    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs) => Same(inputs[0]);

    public override IEnumerable<(string Key, string Value)> Attributes() => Kind switch
    {
        ActivationKind.LeakyRelu => [("alpha", Float(Alpha))],
        ActivationKind.HardSigmoid => [("alpha", Float(Alpha)), ("beta", Float(Beta))],
        ActivationKind.Clip => [("min", Float(Alpha)), ("max", Float(Beta))],
        _ => [],
    };

    public static string Name(ActivationKind kind) => ElementwiseMath.Name(kind);
}

/// <summary>Broadcasting binary arithmetic.</summary>
public sealed record BinaryOp(BinaryKind Kind) : Op
{
    public override string Mnemonic => Name(Kind);
    public override (int Min, int Max) Arity => (2, 2);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var shape = Broadcast(inputs[0].Dims, inputs[1].Dims);
        return shape is null
            ? ShapeResult.Fail($"{inputs[0]} and {inputs[1]} do not broadcast",
                "trailing dimensions must be equal or 1 (numpy broadcasting)")
            : ShapeResult.Ok(new TensorType(inputs[0].DType, shape));
    }

    public static string Name(BinaryKind kind) => ElementwiseMath.Name(kind);
}

/// <summary>
/// A fused chain of elementwise steps applied to input 0, with other inputs as step operands.
/// Produced by fusion only; the DSL never writes it.
/// </summary>
public sealed record PointwiseOp(EquatableArray<EpilogueStep> Steps) : Op
{
    public override string Mnemonic => "pointwise";
    public override (int Min, int Max) Arity => (1, int.MaxValue);
    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs) => Epilogue.Apply(Mnemonic, inputs[0], Steps, inputs);
    public override IEnumerable<(string Key, string Value)> Attributes() => [("steps", Epilogue.Format(Steps))];
}

/// <summary>Inference batch normalization over channel axis 1. Inputs: x, scale, bias, mean, var.</summary>
public sealed record BatchNormOp(float Epsilon) : Op
{
    public override string Mnemonic => "batchnorm";
    public override (int Min, int Max) Arity => (5, 5);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var x = inputs[0];
        if (x.Rank < 2) return ShapeResult.Fail($"input must have a channel axis, got {x}");
        for (int i = 1; i < 5; i++)
            if (inputs[i].Rank != 1 || inputs[i][0] != x[1])
                return ShapeResult.Fail($"parameter {i} must be [{x[1]}] to match input {x}, got {inputs[i]}");
        return Same(x);
    }

    public override IEnumerable<(string Key, string Value)> Attributes() => [("epsilon", Float(Epsilon))];
}

/// <summary>
/// The zero-FLOP shift of REFERENCE.md §5: channel c &lt; floor(C/k²)·k² moves by
/// (dh, dw) = (((c div k) mod k) − k/2, (c mod k) − k/2); the rest stay; out of bounds reads zero.
/// </summary>
public sealed record ShiftOp(int Kernel) : Op
{
    public override string Mnemonic => "shift";
    public override (int Min, int Max) Arity => (1, 1);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        if (inputs[0].Rank != 4) return ShapeResult.Fail($"input must be 4-D NCHW, got {inputs[0]}");
        if (Kernel < 1 || Kernel % 2 == 0) return ShapeResult.Fail($"kernel must be odd and positive, got {Kernel}");
        return Same(inputs[0]);
    }

    public override IEnumerable<(string Key, string Value)> Attributes() => [("kernel", Kernel.ToString())];

    public static (int Dh, int Dw) Offset(int c, int channels, int kernel) => ShiftSpec.Offset(c, channels, kernel);
}
