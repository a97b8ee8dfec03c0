using DnnC.Runtime.Plan;

namespace DnnC.Simulator.Execution;

/// <summary>One kernel launch: its arguments resolved to memory, its output shape and its numerics.</summary>
internal sealed class KernelContext(PlanKernel kernel, TensorRef[] args, int[] outputShape, KernelNumerics numerics, float[]? weightScales = null)
{
    /// <summary>A ternary kernel's per-filter scales α, applied once per output (Σ code·x, then × α); null otherwise.</summary>
    public float[]? WeightScales { get; } = weightScales;

    public PlanKernel Kernel { get; } = kernel;
    public int[] OutputShape { get; } = outputShape;
    public KernelNumerics Numerics { get; } = numerics;
    public TensorRef Output => args[0];

    /// <summary>Kernel argument <paramref name="index"/> (0 is the output, inputs from 1), as PlanOperand.Arg counts.</summary>
    public TensorRef Arg(int index) => args[index];

    public int ArgCount => args.Length;

    /// <summary>The same launch on other memory for some arguments, with the output seen as <paramref name="shape"/>.</summary>
    public KernelContext With(IReadOnlyDictionary<int, TensorRef> replaced, int[] shape)
    {
        var moved = (TensorRef[])args.Clone();
        foreach (var (index, value) in replaced) moved[index] = value;
        return new KernelContext(Kernel, moved, shape, Numerics, WeightScales);
    }

    /// <summary>Activations as an FP16 kernel loads them from memory: rounded to the storage precision, in place.</summary>
    public void Load(Span<float> values)
    {
        if (Numerics.RoundsLoads) Numerics.RoundLoaded(values);
    }

    /// <summary>The run's final step for any output values: storage rounding, where the numerics ask for it.</summary>
    public void Store(Span<float> values)
    {
        if (Numerics.RoundsOutputs) Numerics.RoundStored(values);
    }
}
