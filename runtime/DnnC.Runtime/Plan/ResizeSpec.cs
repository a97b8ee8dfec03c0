namespace DnnC.Runtime.Plan;

/// <summary>
/// Resize (nearest or linear) with every coordinate transform resolved at compile time into
/// per-axis tap tables, so that the kernel, the simulator and the reference pick the same taps:
/// for output index o of axis d (entry Offset(d) + o), the value interpolates input indices
/// Lower and Upper with weight UpperWeight on Upper (nearest: Lower only, weight 0). A Lower of
/// -1 marks a position outside tf_crop_and_resize's input, which reads <see cref="Extrapolation"/>.
/// Args: output, x.
/// </summary>
public sealed record ResizeSpec(
    EquatableArray<int> InputShape,
    EquatableArray<int> OutputShape,
    bool Linear,
    EquatableArray<int> Lower,
    EquatableArray<int> Upper,
    EquatableArray<float> UpperWeight,
    float Extrapolation) : KernelSpec
{
    public override string Template => "resize";
    public override long Macs => HostTensor.ElementCount(OutputShape) * (Linear ? 1L << ResizedAxes.Count() : 1);

    /// <summary>Where axis <paramref name="axis"/>'s entries start in the tables.</summary>
    public int Offset(int axis) => OutputShape.Take(axis).Sum();

    /// <summary>An axis that copies straight through: same length, tap o for output o, no blending, no extrapolation.</summary>
    public bool IsIdentity(int axis)
    {
        if (InputShape[axis] != OutputShape[axis]) return false;
        int at = Offset(axis);
        for (int o = 0; o < OutputShape[axis]; o++)
            if (Lower[at + o] != o || UpperWeight[at + o] != 0) return false;
        return true;
    }

    public IEnumerable<int> ResizedAxes => Enumerable.Range(0, OutputShape.Count).Where(d => !IsIdentity(d));
}
