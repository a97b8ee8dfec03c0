using DnnC.Compiler.Lowering;
using DnnC.Compiler.CodeGen;
using DnnC.Runtime.Plan;
using static DnnC.Compiler.Tests.CodeGen.TestPlans;

namespace DnnC.Compiler.Tests.CodeGen;

/// <summary>
/// At least one spec per template, chosen for the index math that can go wrong: sizes that are
/// not tile multiples, strides, dilation, padding, groups, broadcast operands, input shift.
/// </summary>
internal static class RepresentativeKernels
{
    public static TestPlans Build()
    {
        var plans = new TestPlans();
        AddConvs(plans);
        AddDepthwise(plans);
        AddGemms(plans);
        AddPools(plans);
        AddPointwise(plans);
        AddLayout(plans);
        return plans;
    }

    private static ActivationStep Act(ActivationKind kind, float alpha = 0, float beta = 0) => new(kind, alpha, beta);

    private static void AddConvs(TestPlans plans)
    {
        // 3x3 same conv, odd spatial size, bias + relu.
        plans.Add(Conv(2, 16, 13, 13, 24, 3, 3, pad: 1, bias: true, epilogue: [Act(ActivationKind.Relu)]), 3);

        // Stride 2, dilation 2, non-square kernel, every activation in one chain.
        plans.Add(Conv(1, 3, 17, 19, 10, 3, 5, stride: 2, pad: 2, dilation: 2, tile: TileSelection.Candidates[0],
            epilogue:
            [
                Act(ActivationKind.Sigmoid), Act(ActivationKind.Tanh), Act(ActivationKind.Clip, -0.5f, 0.75f),
                Act(ActivationKind.HardSwish), Act(ActivationKind.Relu6), Act(ActivationKind.LeakyRelu, 0.01f),
            ]), 2);

        // Groups > 1 (not depthwise): residual add of a full-size tensor, per-channel scale.
        var groupedOut = new[] { 2, 48, 9, 11 };
        plans.Add(Conv(2, 32, 9, 11, 48, 3, 3, pad: 1, groups: 4, bias: true, tile: TileSelection.Candidates[0],
            epilogue:
            [
                new BinaryStep(BinaryKind.Add, 0), new BinaryStep(BinaryKind.Mul, 1),
                Act(ActivationKind.HardSigmoid, 0.2f, 0.5f),
            ],
            operands: [new PlanOperand(4, Contiguous(groupedOut)), new PlanOperand(5, [0, 1, 0, 0])]), 5, groupedOut);

        // 1x1 conv with the shift of a 3x3 kernel folded into its loads (C=20: channels 18, 19 unshifted).
        plans.Add(Conv(2, 20, 7, 9, 30, 1, 1, shift: 3, tile: TileSelection.Candidates[3],
            epilogue: [Act(ActivationKind.Gelu), new BinaryStep(BinaryKind.Sub, 0, RunningOnLeft: false)],
            operands: [new PlanOperand(3, [0, 0, 9, 1])]), 3);

        // 7x7 stride-2 stem, 1x1 stride-2 projection, and a 5x5 shift on a strided 1x1.
        plans.Add(Conv(1, 3, 37, 37, 64, 7, 7, stride: 2, pad: 3, bias: true, tile: TileSelection.Candidates[0]), 3);
        plans.Add(Conv(3, 24, 15, 15, 40, 1, 1, stride: 2, tile: TileSelection.Candidates[2]), 2);
        plans.Add(Conv(1, 60, 8, 8, 16, 1, 1, stride: 2, shift: 5, tile: TileSelection.Candidates[2]), 2);

        // Every H/W parameter different from its W/H twin, so a swapped index cannot pass.
        plans.Add(new ConvSpec(2, 5, 11, 10, 7, 3, 3, Ho: 6, Wo: 6, StrideH: 2, StrideW: 1, PadTop: 1, PadLeft: 0,
            DilationH: 1, DilationW: 2, Groups: 1, HasBias: true, InputShift: 0, [], [], ConvAlgorithm.ImplicitGemm,
            TileSelection.Candidates[3]), 3);
    }

    private static void AddDepthwise(TestPlans plans)
    {
        const ConvAlgorithm dw = ConvAlgorithm.Depthwise;
        plans.Add(Conv(2, 32, 15, 15, 32, 3, 3, pad: 1, groups: 32, bias: true, algorithm: dw,
            epilogue: [Act(ActivationKind.Relu6)]), 3);
        var strided = new[] { 1, 12, 5, 5 };
        plans.Add(Conv(1, 12, 9, 9, 12, 5, 5, stride: 2, pad: 2, groups: 12, algorithm: dw,
            epilogue: [new BinaryStep(BinaryKind.Sub, 0, RunningOnLeft: false)],
            operands: [new PlanOperand(2, Contiguous(strided))]), 3, strided);
        plans.Add(Conv(1, 50, 6, 7, 50, 1, 1, groups: 50, shift: 5, algorithm: dw), 2);
        plans.Add(Conv(1, 8, 40, 33, 8, 3, 3, pad: 2, dilation: 2, groups: 8, algorithm: dw), 2);
        plans.Add(new ConvSpec(1, 6, 19, 12, 6, 3, 5, Ho: 10, Wo: 4, StrideH: 2, StrideW: 3, PadTop: 1, PadLeft: 2,
            DilationH: 1, DilationW: 1, Groups: 6, HasBias: false, InputShift: 0, [], [], dw, TileSelection.Candidates[0]), 2);
    }

    private static void AddGemms(TestPlans plans)
    {
        // Dense layer: B stored [N, K], K not a tile multiple.
        plans.Add(new GemmSpec(1, 5, 1000, 513, 0, 0, BTransposed: true, HasBias: true,
            [Act(ActivationKind.Gelu)], [], TileSelection.Candidates[3]), 3, [5, 1000]);

        // Batched matmul over a rank-4 output, B broadcast over the batch, residual add.
        int[] outShape = [2, 3, 37, 29];
        plans.Add(new GemmSpec(6, 37, 29, 71, 37 * 71, 0, BTransposed: false, HasBias: false,
            [new BinaryStep(BinaryKind.Add, 0)], [new PlanOperand(3, Contiguous(outShape))], TileSelection.Candidates[2]),
            3, outShape);

        // Largest tile with a per-row divisor.
        plans.Add(new GemmSpec(1, 300, 130, 64, 0, 0, BTransposed: false, HasBias: true,
            [new BinaryStep(BinaryKind.Div, 0)], [new PlanOperand(4, [1, 0])], TileSelection.Candidates[0]), 4, [300, 130]);
    }

    private static void AddPools(TestPlans plans)
    {
        plans.Add(new PoolSpec(PoolKind.Max, 2, 16, 14, 14, 7, 7, 3, 3, 2, 2, 1, 1, false), 1);
        plans.Add(new PoolSpec(PoolKind.Average, 1, 8, 9, 9, 5, 5, 3, 3, 2, 2, 1, 1, CountIncludePad: true), 1);
        plans.Add(new PoolSpec(PoolKind.Average, 1, 8, 9, 9, 5, 5, 3, 3, 2, 2, 1, 1, CountIncludePad: false), 1);
        plans.Add(new PoolSpec(PoolKind.Max, 1, 3, 11, 10, 6, 5, 2, 2, 2, 2, 0, 0, false), 1);
        plans.Add(new PoolSpec(PoolKind.Average, 2, 3, 10, 13, 4, 6, 3, 2, 3, 2, 1, 0, CountIncludePad: false), 1);
        plans.Add(new GlobalPoolSpec(PoolKind.Average, 128, 49), 1);
        plans.Add(new GlobalPoolSpec(PoolKind.Max, 10, 1000), 1);
        plans.Add(new GlobalPoolSpec(PoolKind.Average, 3, 1), 1);
    }

    private static void AddPointwise(TestPlans plans)
    {
        int[] shape = [2, 8, 5, 7];
        plans.Add(new PointwiseSpec([.. shape],
            [
                new BinaryStep(BinaryKind.Add, 1), Act(ActivationKind.Relu),
                new BinaryStep(BinaryKind.Mul, 2), new BinaryStep(BinaryKind.Sub, 1, RunningOnLeft: false),
            ],
            [new PlanOperand(1, Contiguous(shape)), new PlanOperand(2, [0, 1, 0, 0]), new PlanOperand(3, [0, 0, 0, 0])]), 3);
        plans.Add(new PointwiseSpec([1000], [Act(ActivationKind.Sigmoid)], [new PlanOperand(1, [1])]), 1);
        plans.Add(new PointwiseSpec([], [Act(ActivationKind.Tanh)], [new PlanOperand(1, [])]), 1);
        plans.Add(new PointwiseSpec([3, 1, 4], [], [new PlanOperand(1, [1, 0, 3])]), 1);
    }

    private static void AddLayout(TestPlans plans)
    {
        plans.Add(new SoftmaxSpec(4, 1000, 1), 1);
        plans.Add(new SoftmaxSpec(2, 7, 33), 1);
        plans.Add(new TransposeSpec([2, 3, 4, 5], [0, 2, 3, 1]), 1);
        plans.Add(new TransposeSpec([7, 9], [1, 0]), 1);
        plans.Add(new ConcatSpec(2, [3, 5, 1], 49), 3);
        plans.Add(new ConcatSpec(6, [4], 1), 1);
        plans.Add(new ShiftSpec(2, 20, 7, 9, 3), 1);
        plans.Add(new ShiftSpec(1, 60, 5, 5, 5), 1);
    }
}
