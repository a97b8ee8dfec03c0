using DnnC.Compiler.IR;
using DnnC.Runtime.Plan;
using static DnnC.Compiler.Syntax.Binding.ParamKind;

namespace DnnC.Compiler.Syntax.Binding;

/// <summary>Activations and broadcasting arithmetic.</summary>
internal static class ElementwiseOperators
{
    public static readonly OperatorSpec[] Specs =
    [
        Activation(ActivationKind.Relu),
        Activation(ActivationKind.Relu6),
        Activation(ActivationKind.Sigmoid),
        Activation(ActivationKind.Tanh),
        Activation(ActivationKind.HardSwish),
        Activation(ActivationKind.Gelu),
        new("leaky_relu", 1, 1, [new("alpha", Float, 0.01f)], "x |> leaky_relu(alpha: 0.1)",
            call => call.Add(new ActivationOp(ActivationKind.LeakyRelu, call.Float("alpha")), call.Inputs[0])),
        new("hardsigmoid", 1, 1, [new("alpha", Float, 0.2f), new("beta", Float, 0.5f)], "x |> hardsigmoid",
            call => call.Add(new ActivationOp(ActivationKind.HardSigmoid, call.Float("alpha"), call.Float("beta")), call.Inputs[0])),
        new("clip", 1, 1, [ParamSpec.Req("min", Float), ParamSpec.Req("max", Float)], "x |> clip(min: 0, max: 6)", Clip),
        Binary(BinaryKind.Add),
        Binary(BinaryKind.Sub),
        Binary(BinaryKind.Mul),
        Binary(BinaryKind.Div),
    ];

    private static OperatorSpec Activation(ActivationKind kind)
    {
        string name = ActivationOp.Name(kind);
        return new(name, 1, 1, [], $"x |> {name}", call => call.Add(new ActivationOp(kind), call.Inputs[0]));
    }

    private static OperatorSpec Binary(BinaryKind kind)
    {
        string name = BinaryOp.Name(kind);
        return new(name, 2, 2, [], $"{name}(a, b)", call => call.Add(new BinaryOp(kind), [.. call.Inputs]), LiteralInputs: true);
    }

    private static string? Clip(OperatorCall call)
    {
        float min = call.Float("min"), max = call.Float("max");
        if (!(min <= max)) return call.Invalid("max", $"max {max} is below min {min}");
        return call.Add(new ActivationOp(ActivationKind.Clip, min, max), call.Inputs[0]);
    }
}
