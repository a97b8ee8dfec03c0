using DnnC.Runtime;
using DnnC.Runtime.Plan;
using DnnC.Simulator.Accelerator;
using DnnC.Simulator.Execution;
using DnnC.Simulator.Model;

namespace DnnC.Simulator;

/// <summary>The outputs of a simulated run and what the accelerator model says it cost.</summary>
public sealed record SimulationResult(IReadOnlyDictionary<string, HostTensor> Outputs, SimulationReport Report);

/// <summary>
/// Executes a <see cref="KernelPlan"/> on the CPU the way the GPU runtime does: one activation
/// arena laid out at the plan's offsets (NaN-filled, so a read of memory nobody wrote shows up in
/// the outputs, and a buffer-planning bug corrupts results here exactly as it would on the GPU),
/// weights read in place (through their encoding: see <see cref="EncodedWeights"/>), kernels run in plan order
/// with each kernel's precision (<see cref="PlanKernel.Numerics"/>) and FP32 accumulation.
/// </summary>
public static class PlanSimulator
{
    /// <summary>Runs the plan. Weights are keyed by <see cref="PlanValue.WeightKey"/>, inputs by the input value's name;
    /// outputs come back keyed by <see cref="PlanOutput.Name"/>. <paramref name="numerics"/> overrides the plan's precision per kernel.</summary>
    public static IReadOnlyDictionary<string, HostTensor> Run(
        KernelPlan plan,
        IReadOnlyDictionary<string, HostTensor> weights,
        IReadOnlyDictionary<string, HostTensor> inputs,
        Func<PlanKernel, KernelNumerics>? numerics = null) =>
        Execute(plan, weights, inputs, numerics, observe: null);

    /// <summary>Runs the plan and models every kernel on <paramref name="accelerator"/>, counting the zeros the data really holds.</summary>
    public static SimulationResult Simulate(
        KernelPlan plan,
        IReadOnlyDictionary<string, HostTensor> weights,
        IReadOnlyDictionary<string, HostTensor> inputs,
        AcceleratorConfig accelerator,
        Func<PlanKernel, KernelNumerics>? numerics = null)
    {
        var layers = new List<LayerStats>();
        var outputs = Execute(plan, weights, inputs, numerics, (kernel, context) =>
            layers.Add(CycleModel.Model(kernel, OperandCensus.Take(plan, kernel, context), accelerator)));
        return new SimulationResult(outputs, new SimulationReport(plan.ModelName, accelerator, layers));
    }

    private static IReadOnlyDictionary<string, HostTensor> Execute(
        KernelPlan plan,
        IReadOnlyDictionary<string, HostTensor> weights,
        IReadOnlyDictionary<string, HostTensor> inputs,
        Func<PlanKernel, KernelNumerics>? numerics,
        Action<PlanKernel, KernelContext>? observe)
    {
        var arena = new float[checked((int)(plan.ActivationArenaBytes / sizeof(float)))];
        Array.Fill(arena, float.NaN);
        foreach (int id in plan.Inputs)
        {
            var value = plan.Value(id);
            if (!inputs.TryGetValue(value.Name, out var tensor))
                throw new ArgumentException($"missing input '{value.Name}' of shape [{string.Join(", ", value.Shape)}]");
            if (!tensor.Shape.SequenceEqual(value.Shape))
                throw new ArgumentException($"input '{value.Name}' has shape {tensor.ShapeText} but the plan expects [{string.Join(", ", value.Shape)}]");
            tensor.Data.CopyTo(arena, value.ArenaOffset / sizeof(float));
        }

        foreach (var kernel in plan.Kernels)
        {
            var kernelNumerics = numerics?.Invoke(kernel) ?? KernelNumerics.For(kernel.Numerics);
            var args = kernel.Args.Select(id => Resolve(plan, id, arena, weights, kernelNumerics)).ToArray();
            var context = new KernelContext(kernel, args, [.. plan.Value(kernel.Args[0]).Shape], kernelNumerics);
            observe?.Invoke(kernel, context);
            KernelDispatch.Run(context);
        }

        var outputs = new Dictionary<string, HostTensor>();
        foreach (var output in plan.Outputs)
        {
            var value = plan.Value(output.Value);
            var source = Resolve(plan, output.Value, arena, weights, KernelNumerics.Fp32);
            outputs[output.Name] = new HostTensor([.. value.Shape], source.Span.ToArray());
        }
        return outputs;
    }

    private static TensorRef Resolve(KernelPlan plan, int id, float[] arena, IReadOnlyDictionary<string, HostTensor> weights, KernelNumerics numerics)
    {
        var value = plan.Value(id);
        var storage = plan.Storage(id);
        if (storage.Kind == ValueKind.Weight)
        {
            if (storage.WeightKey is null || !weights.TryGetValue(storage.WeightKey, out var tensor))
                throw new ArgumentException($"missing weight '{storage.WeightKey}' for value '{storage.Name}'");
            if (tensor.Length != storage.ElementCount)
                throw new ArgumentException($"weight '{storage.WeightKey}' holds {tensor.Length} elements but the plan expects {storage.ElementCount}");
            return new TensorRef(numerics.DecodeWeights(storage, tensor), 0, value.ElementCount, Constant: true);
        }
        if (storage.ArenaOffset < 0) throw new InvalidOperationException($"value '{storage.Name}' has no arena offset");
        return new TensorRef(arena, checked((int)(storage.ArenaOffset / sizeof(float))), value.ElementCount);
    }
}
