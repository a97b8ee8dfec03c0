namespace DnnC.Runtime.Plan;

/// <summary>
/// A strided slice of an input of <see cref="InputShape"/>: output element (j0, j1, ...) reads input
/// (Starts[d] + j_d · Steps[d]) on every axis d; steps may be negative. Args: output, x.
/// </summary>
public sealed record SliceSpec(
    EquatableArray<int> InputShape,
    EquatableArray<int> Starts,
    EquatableArray<int> Steps,
    EquatableArray<int> Sizes) : KernelSpec
{
    public override string Template => "slice";
    public override long Macs => HostTensor.ElementCount(Sizes);
}

/// <summary>How <see cref="PadSpec"/> fills positions outside the input (ONNX Pad modes).</summary>
public enum PadFill { Constant, Reflect, Edge, Wrap }

/// <summary>
/// Padding of an input of <see cref="InputShape"/>: Pads holds every axis's leading amount, then every
/// axis's trailing amount (ONNX layout); negative amounts crop. Reflect pads are smaller than their
/// axis, so one reflection reaches the input. Args: output, x.
/// </summary>
public sealed record PadSpec(EquatableArray<int> InputShape, EquatableArray<int> Pads, PadFill Fill, float Value) : KernelSpec
{
    public override string Template => "pad";
    public override long Macs => HostTensor.ElementCount(OutputShape);

    public int[] OutputShape => [.. InputShape.Select((d, i) => d + Pads[i] + Pads[i + InputShape.Count])];
}

/// <summary>The input repeated Repeats[d] times along each axis d. Args: output, x.</summary>
public sealed record TileSpec(EquatableArray<int> InputShape, EquatableArray<int> Repeats) : KernelSpec
{
    public override string Template => "tile";
    public override long Macs => HostTensor.ElementCount(OutputShape);

    public int[] OutputShape => [.. InputShape.Select((d, i) => d * Repeats[i])];
}

/// <summary>
/// Gather seen as x [Outer, AxisLength, Inner] and an output [Outer, Indices, Inner]: output row j
/// copies the slice at index indices[j] (float32 holding an integer, truncated as the reference
/// does; negative counts from the end). An index outside [-AxisLength, AxisLength) yields NaN on the
/// GPU, where a kernel cannot report it, and an error in the simulator. Args: output, x, indices.
/// </summary>
public sealed record GatherSpec(int Outer, int AxisLength, int Indices, int Inner) : KernelSpec
{
    public override string Template => "gather";
    public override long Macs => (long)Outer * Indices * Inner;
}
