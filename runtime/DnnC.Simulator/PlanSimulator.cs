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
/// weights read from the plan's blob, the bytes the GPU gets (<see cref="WeightReader"/>), kernels
/// run in plan order with each kernel's precision (<see cref="PlanKernel.Numerics"/>) and FP32
/// accumulation.
/// </summary>
public static class PlanSimulator
{
    /// <summary>Runs the plan on its weight blob. Inputs are keyed by the input value's name; outputs come back keyed by
    /// <see cref="PlanOutput.Name"/>. <paramref name="numerics"/> overrides the plan's precision per kernel.</summary>
    public static IReadOnlyDictionary<string, HostTensor> Run(
        KernelPlan plan,
        PlanWeights weights,
        IReadOnlyDictionary<string, HostTensor> inputs,
        Func<PlanKernel, KernelNumerics>? numerics = null) =>
        Execute(plan, weights, inputs, numerics, observe: null);

    /// <summary>Runs the plan and models every kernel on <paramref name="accelerator"/>, counting the zeros the data really holds.</summary>
    public static SimulationResult Simulate(
        KernelPlan plan,
        PlanWeights weights,
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
        PlanWeights weights,
        IReadOnlyDictionary<string, HostTensor> inputs,
        Func<PlanKernel, KernelNumerics>? numerics,
        Action<PlanKernel, KernelContext>? observe)
    {
        if (weights.Length != plan.WeightBytes)
            throw new ArgumentException($"the weight blob holds {weights.Length} bytes but the plan places {plan.WeightBytes}");
        var arena = new Arena(plan);
        foreach (int id in plan.Inputs)
        {
            var value = plan.Value(id);
            if (!inputs.TryGetValue(value.Name, out var tensor))
                throw new ArgumentException($"missing input '{value.Name}' of shape [{string.Join(", ", value.Shape)}]");
            if (!tensor.Shape.SequenceEqual(value.Shape))
                throw new ArgumentException($"input '{value.Name}' has shape {tensor.ShapeText} but the plan expects [{string.Join(", ", value.Shape)}]");
            tensor.Data.CopyTo(arena.Floats, arena.Index(value));
        }

        foreach (var kernel in plan.Kernels)
        {
            var kernelNumerics = numerics?.Invoke(kernel) ?? KernelNumerics.For(kernel.Numerics);
            float[]? scales = null;
            var args = new TensorRef[kernel.Args.Count];
            for (int i = 0; i < args.Length; i++)
            {
                var storage = plan.Storage(kernel.Args[i]);
                if (storage.Kind != ValueKind.Weight)
                {
                    args[i] = arena.Ref(plan.Value(kernel.Args[i]), storage);
                    continue;
                }
                var decoded = WeightReader.Read(weights, storage, kernel.Spec);
                if (i == PlanKernel.EncodedWeightArg && decoded.RowScales is not null) scales = decoded.RowScales;
                args[i] = new TensorRef(kernelNumerics.RoundWeights(storage, decoded.Values, i == PlanKernel.EncodedWeightArg), 0, plan.Value(kernel.Args[i]).ElementCount, Constant: true);
            }
            var context = new KernelContext(kernel, args, [.. plan.Value(kernel.Args[0]).Shape], kernelNumerics, scales);
            observe?.Invoke(kernel, context);
            KernelDispatch.Run(context);
        }

        var outputs = new Dictionary<string, HostTensor>();
        foreach (var output in plan.Outputs)
        {
            var value = plan.Value(output.Value);
            var storage = plan.Storage(output.Value);
            var data = storage.Kind == ValueKind.Weight
                ? (float[])WeightReader.Read(weights, storage, null).Values.Clone()
                : arena.Ref(value, storage).Span.ToArray();
            outputs[output.Name] = new HostTensor([.. value.Shape], data);
        }
        return outputs;
    }

    /// <summary>
    /// The activation arena as floats. Values are placed at byte offsets; the simulator computes in float32, so each
    /// value's elements are held as floats from float index <c>offset / unit</c>, where unit is the narrowest element
    /// size in the arena (4 for FP32 plans, 2 once FP16 values are present). Values whose byte ranges are disjoint then
    /// have disjoint float ranges, so the planner's reuse of memory is simulated exactly, overlaps and all.
    /// </summary>
    private sealed class Arena
    {
        private readonly int _unit;

        public Arena(KernelPlan plan)
        {
            _unit = Math.Max(1, plan.Values.Where(v => v.Kind != ValueKind.Weight).Select(v => v.ElementBytes).DefaultIfEmpty(sizeof(float)).Min());
            Floats = new float[checked((int)(plan.ActivationArenaBytes / _unit))];
            Array.Fill(Floats, float.NaN);
        }

        public float[] Floats { get; }

        public int Index(PlanValue storage)
        {
            if (storage.ArenaOffset < 0) throw new InvalidOperationException($"value '{storage.Name}' has no arena offset");
            return checked((int)(storage.ArenaOffset / _unit));
        }

        public TensorRef Ref(PlanValue value, PlanValue storage) => new(Floats, Index(storage), value.ElementCount);
    }
}
