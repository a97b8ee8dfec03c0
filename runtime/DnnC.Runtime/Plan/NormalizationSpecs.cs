namespace DnnC.Runtime.Plan;

public enum ReduceKind { Sum, Mean, Max, Min, Prod, L1, L2, SumSquare, LogSum, LogSumExp }

/// <summary>
/// Reduction of x (row-major <see cref="InputShape"/>) over <see cref="Axes"/> (ascending). Output
/// element o is the reduction over the input elements whose kept coordinates, in order, flatten to o.
/// Lowering merges adjacent axes of the same kind, so a contiguous reduction is [Outer, Length, Inner].
/// Args: output, x.
/// </summary>
public sealed record ReduceSpec(ReduceKind Kind, EquatableArray<int> InputShape, EquatableArray<int> Axes) : KernelSpec
{
    public override string Template => "reduce";
    public override long Macs => (Kind == ReduceKind.LogSumExp ? 2 : 1) * HostTensor.ElementCount(InputShape);

    /// <summary>Elements reduced into each output.</summary>
    public long Length => Axes.Aggregate(1L, (p, a) => p * InputShape[a]);

    public long Outputs => HostTensor.ElementCount(InputShape) / Length;

    /// <summary>The kept dimensions and the reduced ones, each as (size, input stride), outermost first.</summary>
    public (List<(int Size, long Stride)> Kept, List<(int Size, long Stride)> Reduced) Split()
    {
        var kept = new List<(int, long)>();
        var reduced = new List<(int, long)>();
        long stride = 1;
        for (int d = InputShape.Count - 1; d >= 0; d--)
        {
            (Axes.Contains(d) ? reduced : kept).Insert(0, (InputShape[d], stride));
            stride *= InputShape[d];
        }
        return (kept, reduced);
    }
}

/// <summary>
/// Layer normalization of Rows contiguous rows of the normalized shape: y = (x − mean) / √(var + ε) ·
/// scale (+ bias), with the population variance. Scale and bias are read through strides over
/// <see cref="NormalizedShape"/> (0 where they broadcast). Args: output, x, scale, [bias].
/// </summary>
public sealed record LayerNormSpec(
    int Rows, EquatableArray<int> NormalizedShape, float Epsilon, PlanOperand Scale, PlanOperand? Bias) : KernelSpec
{
    public override string Template => "layernorm";
    public override long Macs => 4L * Rows * Columns;
    public long Columns => HostTensor.ElementCount(NormalizedShape);
}

/// <summary>
/// Instance normalization of x [N, C, Spatial]: each (n, c) plane is normalized by its own mean and
/// population variance, then scaled by scale[c] and shifted by bias[c]. Args: output, x, scale, bias.
/// </summary>
public sealed record InstanceNormSpec(int N, int C, int Spatial, float Epsilon) : KernelSpec
{
    public override string Template => "instancenorm";
    public override long Macs => 4L * N * C * Spatial;
}

/// <summary>log(softmax(x)) over the middle axis of [Outer, Axis, Inner], as x − max − log Σ exp(x − max). Args: output, x.</summary>
public sealed record LogSoftmaxSpec(int Outer, int Axis, int Inner) : KernelSpec
{
    public override string Template => "log_softmax";
    public override long Macs => 3L * Outer * Axis * Inner;
}

/// <summary>
/// Local response normalization across the channels of x [N, C, Inner]:
/// y = x / (Bias + Alpha / Size · Σ x²)^Beta over channels [c − ⌊(Size−1)/2⌋, c + ⌈(Size−1)/2⌉] ∩ [0, C).
/// Args: output, x.
/// </summary>
public sealed record LrnSpec(int N, int C, int Inner, int Size, float Alpha, float Beta, float Bias) : KernelSpec
{
    public override string Template => "lrn";
    public override long Macs => (long)N * C * Inner * Size;

    /// <summary>Channels below and above c in the window.</summary>
    public (int Below, int Above) Window => ((Size - 1) / 2, Size - 1 - (Size - 1) / 2);
}
