using DnnC.Runtime.Numerics;

namespace DnnC.Compiler.IR;

/// <summary>
/// A cast onto a type narrower than float32 (ONNX Cast to FLOAT16, BFLOAT16, the 8- and 4-bit
/// floats, or a narrower integer). DnnC keeps every value in float32, so the cast is the rounding
/// <see cref="ElementCast.Apply"/> defines; the result holds exactly the target type's values.
/// </summary>
public sealed record CastOp(ElementFormat To, bool Saturate = true, PowerOfTwoRounding Rounding = PowerOfTwoRounding.Up) : Op
{
    public override string Mnemonic => "cast";
    public override (int Min, int Max) Arity => (1, 1);
    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs) => Same(inputs[0]);

    public override IEnumerable<(string Key, string Value)> Attributes()
    {
        yield return ("to", ElementFormats.Name(To));
        if (ElementFormats.HonoursSaturate(To)) yield return ("saturate", Saturate ? "1" : "0");
        if (To == ElementFormat.Float8E8M0) yield return ("round_mode", Rounding.ToString().ToLowerInvariant());
    }

    public double Apply(double x) => ElementCast.Apply(To, x, Saturate, Rounding);
}
