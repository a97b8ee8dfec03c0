namespace DnnC.Conformance.Running;

/// <summary>The ops issue #3 puts in scope for the ONNX frontend (default domain only).</summary>
public static class OpScope
{
    public static IReadOnlySet<string> Ops { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Conv", "ConvTranspose", "Gemm", "MatMul",
        "BatchNormalization", "InstanceNormalization", "LayerNormalization", "LRN",
        "Relu", "LeakyRelu", "PRelu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Clip", "Elu", "Selu",
        "Gelu", "Softplus", "Erf",
        "Exp", "Log", "Sqrt", "Pow", "Reciprocal", "Neg", "Abs", "Floor", "Ceil",
        "Add", "Sub", "Mul", "Div", "Sum", "Mean", "Max", "Min",
        "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
        "Softmax", "LogSoftmax", "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceL2",
        "Concat", "Split", "Slice", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Expand", "Pad",
        "Tile", "Resize", "Upsample", "DepthToSpace", "SpaceToDepth",
        "Gather", "Where", "Equal", "Greater", "Less", "Cast", "Identity", "Dropout",
        "Constant", "ConstantOfShape", "Shape",
    };

    /// <summary>True when every op of the case is in the list; ops of other domains never are.</summary>
    public static bool Covers(IEnumerable<string> ops) => ops.All(Ops.Contains);
}
