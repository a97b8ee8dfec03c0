using DnnC.Runtime.Numerics;

namespace DnnC.Runtime.Plan;

/// <summary>
/// A cast onto a narrower type applied to the running value: the rounding <see cref="ElementCast"/>
/// defines. It has no operand, so it fuses into chains and epilogues like a unary function.
/// </summary>
public sealed record CastStep(ElementFormat To, bool Saturate = true, PowerOfTwoRounding Rounding = PowerOfTwoRounding.Up) : EpilogueStep
{
    public override string Format()
    {
        string saturate = ElementFormats.HonoursSaturate(To) ? $", saturate={(Saturate ? 1 : 0)}" : "";
        string rounding = To == ElementFormat.Float8E8M0 ? $", round_mode={Rounding.ToString().ToLowerInvariant()}" : "";
        return $"cast(to={ElementFormats.Name(To)}{saturate}{rounding})";
    }

    public double Apply(double x) => ElementCast.Apply(To, x, Saturate, Rounding);
}
