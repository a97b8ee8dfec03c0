using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Lowering;
using DnnC.Runtime.Targets;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Tests.Lowering;

/// <summary>How the math, reduction and normalization ops become kernel specs.</summary>
public class MathLoweringTests
{
    private static KernelSpec LowerOne(Op op, params int[][] shapes)
    {
        var g = new GraphBuilder("M");
        var inputs = shapes.Select((s, i) => g.Input($"in{i}", TensorType.F32(s))).ToList();
        g.Output("y", g.Add("y", op, inputs)!);
        return Assert.Single(PlanLowering.Lower(g.Build(), GpuTarget.H100, new DiagnosticBag()).Kernels).Spec;
    }

    [Theory]
    [InlineData(new[] { 2, 3, 4, 5 }, new[] { 1, 2 }, new[] { 2, 12, 5 }, new[] { 1 })]
    [InlineData(new[] { 2, 3, 4, 5 }, new[] { 0, 2 }, new[] { 2, 3, 4, 5 }, new[] { 0, 2 })]
    [InlineData(new[] { 2, 1, 4, 5 }, new[] { 1, 2 }, new[] { 2, 4, 5 }, new[] { 1 })]
    [InlineData(new[] { 2, 3, 4, 5 }, new[] { 0, 1, 2, 3 }, new[] { 120 }, new[] { 0 })]
    [InlineData(new[] { 6, 1 }, new[] { 1 }, new[] { 6 }, new int[0])]
    public void Reduce_drops_unit_axes_and_merges_neighbours_of_the_same_kind(int[] shape, int[] axes, int[] merged, int[] mergedAxes)
    {
        var spec = Assert.IsType<ReduceSpec>(LowerOne(new ReduceOp(ReduceKind.Mean, axes, true), shape));
        Assert.Equal(merged, spec.InputShape);
        Assert.Equal(mergedAxes, spec.Axes);
        Assert.Equal(shape.Aggregate(1L, (p, d) => p * d) / spec.Length, spec.Outputs);
    }

    [Fact]
    public void Layer_norm_collapses_parameters_that_step_with_the_row()
    {
        var spec = Assert.IsType<LayerNormSpec>(LowerOne(new LayerNormOp(1, 1e-5f), [2, 3, 4], [3, 4], [1]));
        Assert.Equal(2, spec.Rows);
        Assert.Equal([12], spec.NormalizedShape);
        Assert.Equal([1L], spec.Scale.Strides);
        Assert.Equal([0L], spec.Bias!.Strides);
        Assert.Equal(3, spec.Bias.Arg);
    }

    [Fact]
    public void Layer_norm_keeps_the_axes_a_broadcast_parameter_needs()
    {
        var spec = Assert.IsType<LayerNormSpec>(LowerOne(new LayerNormOp(1, 1e-5f), [5, 6, 7], [7]));
        Assert.Equal([6, 7], spec.NormalizedShape);
        Assert.Equal([0L, 1L], spec.Scale.Strides);
        Assert.Null(spec.Bias);
    }

    [Fact]
    public void Elementwise_math_becomes_a_one_step_pointwise_chain()
    {
        var where = Assert.IsType<PointwiseSpec>(LowerOne(new WhereOp(), [3, 1], [3, 4], [4]));
        Assert.Equal([new SelectStep(1, 2)], where.Steps);
        Assert.Equal([0L, 1L], where.Operands[2].Strides);
        var mod = Assert.IsType<PointwiseSpec>(LowerOne(new MathBinaryOp(MathBinaryKind.ModFloor), [3, 4], [4]));
        Assert.Equal([new MathBinaryStep(MathBinaryKind.ModFloor, 1)], mod.Steps);
    }

    [Fact]
    public void Channel_ops_see_everything_after_the_channel_as_one_axis()
    {
        Assert.Equal(new LrnSpec(2, 5, 42, 3, 1e-4f, 0.75f, 1f), LowerOne(new LrnOp(3, 1e-4f, 0.75f, 1f), [2, 5, 6, 7]));
        Assert.Equal(new InstanceNormSpec(2, 5, 42, 1e-5f), LowerOne(new InstanceNormOp(1e-5f), [2, 5, 6, 7], [5], [5]));
        Assert.Equal(new LogSoftmaxSpec(6, 4, 5), LowerOne(new LogSoftmaxOp(2), [2, 3, 4, 5]));
    }
}
