using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Lowering;
using DnnC.Compiler.Passes;
using DnnC.Runtime;
using DnnC.Runtime.Encoders;
using DnnC.Runtime.Plan;
using DnnC.Runtime.Targets;
using DnnC.Simulator;

namespace DnnC.Cli;

/// <summary>
/// Calibration on the simulator: the graph the precision pass sees (fused, FP32) is lowered with every value a plan
/// output, so none shares arena memory, once, and run once per input set; a value's largest magnitude is read from its output.
/// A graph the lowering cannot take (an op without a kernel) is calibrated by the reference executor instead.
/// </summary>
internal sealed class SimulatorActivationProfiler : IActivationProfiler
{
    public IReadOnlyDictionary<string, double> LargestMagnitudes(Graph graph, IReadOnlyList<IReadOnlyDictionary<string, HostTensor>> inputSets)
    {
        var everyValue = graph with
        {
            Outputs = graph.Nodes.Where(n => n.Op is not ConstantOp).Select(n => new GraphOutput(n.Name, n.Name)).ToEquatableArray(),
        };
        KernelPlan plan;
        try
        {
            plan = PlanLowering.Lower(everyValue, GpuTarget.ForArch(graph.Options.Targets[0]), new DiagnosticBag());
        }
        catch (CompilationFailedException)
        {
            return ReferenceActivationProfiler.Instance.LargestMagnitudes(graph, inputSets);
        }
        var weights = WeightPacker.Pack(plan, graph.Weights.Items);
        var largest = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var inputs in inputSets)
        {
            var set = PlanSimulator.Run(plan, weights, inputs).ToDictionary(o => o.Key, o => Largest(o.Value.Data));
            foreach (var input in graph.Inputs) set[input.Name] = Largest(inputs[input.Name].Data);
            IActivationProfiler.Merge(largest, set);
        }
        return largest;
    }

    private static double Largest(float[] values)
    {
        double max = 0;
        foreach (float v in values)
            if (!float.IsNaN(v)) max = Math.Max(max, Math.Abs(v));
        return max;
    }
}
