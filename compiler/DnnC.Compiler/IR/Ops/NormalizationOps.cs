namespace DnnC.Compiler.IR;

/// <summary>Per-instance, per-channel normalization over the spatial axes. Inputs: x [N, C, ...], scale [C], bias [C].</summary>
public sealed record InstanceNormOp(float Epsilon) : Op
{
    public override string Mnemonic => "instancenorm";
    public override (int Min, int Max) Arity => (3, 3);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var x = inputs[0];
        if (x.Rank < 3) return ShapeResult.Fail($"input must be [N, C, spatial...], got {x}");
        for (int i = 1; i < 3; i++)
            if (inputs[i].Rank != 1 || inputs[i][0] != x[1])
                return ShapeResult.Fail($"parameter {i} must be [{x[1]}] to match input {x}, got {inputs[i]}");
        return Same(x);
    }

    public override IEnumerable<(string Key, string Value)> Attributes() => [("epsilon", Float(Epsilon))];
}

/// <summary>
/// Normalization over axes [Axis, rank) with mean and variance, then scale and (optional) bias,
/// both broadcast to x's shape from Axis on. Inputs: x, scale, then bias when present.
/// </summary>
public sealed record LayerNormOp(int Axis, float Epsilon) : Op
{
    public override string Mnemonic => "layernorm";
    public override (int Min, int Max) Arity => (2, 3);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var x = inputs[0];
        if (Axis < 0 || Axis >= x.Rank) return ShapeResult.Fail($"axis {Axis} is out of range for {x}");
        var normalized = x.Dims[Axis..];
        foreach (var p in inputs.Skip(1))
        {
            var shape = Broadcast(normalized, p.Dims);
            if (shape is null || !shape.SequenceEqual(normalized))
                return ShapeResult.Fail($"parameter {p} does not broadcast to the normalized shape {TensorType.FormatShape(normalized)}");
        }
        return Same(x);
    }

    public override IEnumerable<(string Key, string Value)> Attributes() => [("axis", Axis.ToString()), ("epsilon", Float(Epsilon))];
}

/// <summary>
/// Local response normalization across channels (axis 1):
/// y = x / (Bias + Alpha / Size · Σ x²)^Beta over channels [c − ⌊(Size−1)/2⌋, c + ⌈(Size−1)/2⌉].
/// </summary>
public sealed record LrnOp(int Size, float Alpha, float Beta, float Bias) : Op
{
    public override string Mnemonic => "lrn";
    public override (int Min, int Max) Arity => (1, 1);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs) =>
        inputs[0].Rank < 2 ? ShapeResult.Fail($"input must have a channel axis, got {inputs[0]}")
        : Size < 1 ? ShapeResult.Fail($"size must be positive, got {Size}")
        : Same(inputs[0]);

    public override IEnumerable<(string Key, string Value)> Attributes() =>
        [("size", Size.ToString()), ("alpha", Float(Alpha)), ("beta", Float(Beta)), ("bias", Float(Bias))];
}

/// <summary>log(softmax(x)) along one axis, computed as x − max − log Σ exp(x − max).</summary>
public sealed record LogSoftmaxOp(int Axis) : Op
{
    public override string Mnemonic => "log_softmax";
    public override (int Min, int Max) Arity => (1, 1);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs) =>
        Axis >= 0 && Axis < inputs[0].Rank ? Same(inputs[0]) : ShapeResult.Fail($"axis {Axis} is out of range for {inputs[0]}");

    public override IEnumerable<(string Key, string Value)> Attributes() => [("axis", Axis.ToString())];
}
