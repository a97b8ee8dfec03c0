using DnnC.Compiler.Lowering;
using DnnC.Compiler.CodeGen;
using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Tests.CodeGen;

/// <summary>Builds small KernelPlans around specs: one value per kernel argument.</summary>
internal sealed class TestPlans
{
    private readonly List<PlanValue> _values = [];
    private readonly List<PlanKernel> _kernels = [];

    public IReadOnlyList<PlanKernel> Kernels => _kernels;

    /// <summary>Adds a kernel whose output has <paramref name="outputShape"/> and <paramref name="inputs"/> inputs.</summary>
    public PlanKernel Add(KernelSpec spec, int inputs, int[]? outputShape = null, string[]? layers = null, string? name = null)
    {
        var args = new List<int> { NewValue(outputShape ?? [1], $"out{_kernels.Count}") };
        for (int i = 0; i < inputs; i++) args.Add(NewValue([1], $"in{_kernels.Count}_{i}"));
        var kernel = new PlanKernel(
            name ?? $"k{_kernels.Count}_{spec.Template}", spec, [.. args], [.. layers ?? [$"layer{_kernels.Count}"]],
            KernelTemplates.Launch(spec));
        _kernels.Add(kernel);
        return kernel;
    }

    private int NewValue(int[] shape, string name)
    {
        _values.Add(new PlanValue(_values.Count, name, ValueKind.Activation, [.. shape]));
        return _values.Count - 1;
    }

    public KernelPlan Build(string modelName = "test") =>
        new(KernelPlan.CurrentFormatVersion, modelName, [.. _values], [.. _kernels], [], [], 0, 0);

    /// <summary>Contiguous strides of <paramref name="shape"/>, for a full-size operand.</summary>
    public static EquatableArray<long> Contiguous(params int[] shape)
    {
        var strides = new long[shape.Length];
        long stride = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            strides[d] = stride;
            stride *= shape[d];
        }
        return [.. strides];
    }

    public static int ConvOut(int size, int kernel, int stride, int pad, int dilation) =>
        (size + 2 * pad - dilation * (kernel - 1) - 1) / stride + 1;

    /// <summary>A conv spec with symmetric padding and output size derived from it.</summary>
    public static ConvSpec Conv(
        int n, int c, int h, int w, int k, int r, int s, int stride = 1, int pad = 0, int dilation = 1, int groups = 1,
        bool bias = false, int shift = 0, EpilogueStep[]? epilogue = null, PlanOperand[]? operands = null,
        ConvAlgorithm algorithm = ConvAlgorithm.ImplicitGemm, GemmTile? tile = null) =>
        new(n, c, h, w, k, r, s,
            ConvOut(h, r, stride, pad, dilation), ConvOut(w, s, stride, pad, dilation),
            stride, stride, pad, pad, dilation, dilation, groups, bias, shift,
            [.. epilogue ?? []], [.. operands ?? []], algorithm, tile ?? TileSelection.Candidates[1]);
}
