namespace DnnC.Runtime.Plan;

/// <summary>
/// Resize (nearest, linear or cubic) with every coordinate transform resolved at compile time into
/// per-axis tap tables, so that the kernel and the simulator pick the same taps: output index o of
/// axis d (entry e = Offset(d) + o) blends input indices Index[e·Taps + k] with weights
/// Weight[e·Taps + k], k below <see cref="Taps"/> (1 nearest, 2 linear, 4 cubic). A first index of
/// -1 marks a position outside tf_crop_and_resize's input, which reads <see cref="Extrapolation"/>.
/// The output is the product of the axes' blends. Args: output, x.
/// </summary>
public sealed record ResizeSpec(
    EquatableArray<int> InputShape,
    EquatableArray<int> OutputShape,
    int Taps,
    EquatableArray<int> Index,
    EquatableArray<float> Weight,
    float Extrapolation) : KernelSpec
{
    public override string Template => "resize";
    public override long Macs => HostTensor.ElementCount(OutputShape) * (long)Math.Pow(Taps, ResizedAxes.Count());

    /// <summary>Where axis <paramref name="axis"/>'s entries start in the tables, in output indices (multiply by Taps).</summary>
    public int Offset(int axis) => OutputShape.Take(axis).Sum();

    /// <summary>An axis that copies straight through: same length, tap 0 is o with weight 1, the others weigh 0.</summary>
    public bool IsIdentity(int axis)
    {
        if (InputShape[axis] != OutputShape[axis]) return false;
        int at = Offset(axis);
        for (int o = 0; o < OutputShape[axis]; o++)
        {
            int e = (at + o) * Taps;
            if (Index[e] != o || Weight[e] != 1) return false;
            for (int k = 1; k < Taps; k++)
                if (Weight[e + k] != 0) return false;
        }
        return true;
    }

    public IEnumerable<int> ResizedAxes => Enumerable.Range(0, OutputShape.Count).Where(d => !IsIdentity(d));
}
