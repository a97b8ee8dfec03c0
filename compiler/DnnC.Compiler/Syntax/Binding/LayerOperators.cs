using DnnC.Compiler.IR;
using DnnC.Compiler.Syntax.Weights;
using DnnC.Runtime.Plan;
using static DnnC.Compiler.Syntax.Binding.ParamKind;

namespace DnnC.Compiler.Syntax.Binding;

/// <summary>Operators with weights: convolutions, dense, batchnorm, bias; and matmul.</summary>
internal static class LayerOperators
{
    public static readonly OperatorSpec[] Specs =
    [
        new("conv2d", 1, 1,
            [ParamSpec.Req("out_channels", Int), ParamSpec.Req("kernel", IntPair), new("stride", IntPair, new[] { 1, 1 }),
             new("pad", Pads, new[] { 0, 0, 0, 0 }), new("dilation", IntPair, new[] { 1, 1 }), new("groups", Int, 1),
             new("bias", Bool, true)],
            "x |> conv2d(64, kernel: 3, pad: 1)", call => Conv(call, call.Int("out_channels"), call.Int("groups"))),
        new("depthwise_conv2d", 1, 1,
            [ParamSpec.Req("kernel", IntPair), new("stride", IntPair, new[] { 1, 1 }), new("pad", Pads, new[] { 0, 0, 0, 0 }),
             new("dilation", IntPair, new[] { 1, 1 }), new("bias", Bool, true)],
            "x |> depthwise_conv2d(kernel: 3, pad: 1)", DepthwiseConv),
        new("dense", 1, 1, [ParamSpec.Req("out_features", Int), new("bias", Bool, true)],
            "x |> dense(10)", Dense),
        new("matmul", 2, 2, [], "matmul(a, b)", call => call.Add(new MatMulOp([]), [.. call.Inputs])),
        new("batchnorm", 1, 1, [new("eps", Float, 1e-5f)], "x |> batchnorm", BatchNorm),
        new("bias", 1, 1, [], "x |> bias", Bias),
    ];

    private static string? DepthwiseConv(OperatorCall call)
    {
        var x = call.Types[0];
        if (x.Rank != 4) return call.Invalid("kernel", $"input must be 4-D NCHW, got {x}");
        return Conv(call, x[1], x[1]);
    }

    private static string? Conv(OperatorCall call, int outChannels, int groups)
    {
        var x = call.Types[0];
        int[] kernel = call.Ints("kernel");
        if (x.Rank != 4)
            return call.Invalid("kernel", $"input must be 4-D NCHW, got {x}", "reshape the input to [N, C, H, W] first");
        if (outChannels <= 0) return call.Invalid("out_channels", $"must be positive, got {outChannels}");
        if (kernel.Any(k => k <= 0)) return call.Invalid("kernel", $"must be positive, got [{string.Join(", ", kernel)}]");
        if (groups <= 0 || x[1] % groups != 0 || outChannels % groups != 0)
            return call.Invalid("groups", $"groups={groups} must divide both the {x[1]} input and the {outChannels} output channels");
        bool hasBias = call.Bool("bias");
        int fanIn = x[1] / groups * kernel[0] * kernel[1];
        var w = call.Weight("weight", [outChannels, x[1] / groups, kernel[0], kernel[1]], WeightRole.Kernel, fanIn);
        var b = hasBias ? call.Weight("bias", [outChannels], WeightRole.Small, fanIn) : null;
        if (w is null || (hasBias && b is null)) return null;
        var op = new Conv2dOp(call.Ints("stride"), call.Ints("pad"), call.Ints("dilation"), groups, hasBias, []);
        return hasBias ? call.Add(op, call.Inputs[0], w, b!) : call.Add(op, call.Inputs[0], w);
    }

    private static string? Dense(OperatorCall call)
    {
        var x = call.Types[0];
        int n = call.Int("out_features");
        if (n <= 0) return call.Invalid("out_features", $"must be positive, got {n}");
        int k = x[x.Rank - 1];
        bool hasBias = call.Bool("bias");
        var w = call.Weight("weight", [n, k], WeightRole.Kernel, k);
        var b = hasBias ? call.Weight("bias", [n], WeightRole.Small, k) : null;
        if (w is null || (hasBias && b is null)) return null;
        var op = new DenseOp(hasBias, []);
        return hasBias ? call.Add(op, call.Inputs[0], w, b!) : call.Add(op, call.Inputs[0], w);
    }

    private static string? BatchNorm(OperatorCall call)
    {
        var x = call.Types[0];
        if (x.Rank < 2) return call.Invalid("eps", $"input must have a channel axis (axis 1), got {x}");
        float eps = call.Float("eps");
        if (!(eps > 0)) return call.Invalid("eps", $"must be positive, got {eps}");
        int c = x[1];
        var gamma = call.Weight("weight", [c], WeightRole.AroundOne, c);
        var beta = call.Weight("bias", [c], WeightRole.Small, c);
        var mean = call.Weight("running_mean", [c], WeightRole.Small, c);
        var variance = call.Weight("running_var", [c], WeightRole.AroundOne, c);
        if (gamma is null || beta is null || mean is null || variance is null) return null;
        return call.Add(new BatchNormOp(eps), call.Inputs[0], gamma, beta, mean, variance);
    }

    /// <summary>A per-channel (axis 1) bias, stored as [C] and broadcast as [C, 1, ...].</summary>
    private static string? Bias(OperatorCall call)
    {
        var x = call.Types[0];
        int c = x.Rank >= 2 ? x[1] : x[0];
        int[] shape = [c, .. Enumerable.Repeat(1, Math.Max(0, x.Rank - 2))];
        var b = call.Weight("bias", shape, WeightRole.Small, c, fileShape: [c]);
        return b is null ? null : call.Add(new BinaryOp(BinaryKind.Add), call.Inputs[0], b);
    }
}
