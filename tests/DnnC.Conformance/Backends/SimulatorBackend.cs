using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Runtime;
using DnnC.Runtime.Plan;
using DnnC.Simulator;

namespace DnnC.Conformance.Backends;

/// <summary>
/// The simulator: optimizes and lowers the imported graph exactly as <c>dnnc run --backend sim</c> does
/// (<see cref="BuildPipeline.Lower"/>), then executes the KernelPlan with <see cref="PlanSimulator"/>.
/// A graph the pipeline refuses with diagnostics (an op that no kernel template lowers, DNN4002, should
/// one be added to the importer before its template) is unsupported, with every error diagnostic as the
/// reason. Anything else that goes wrong is an error of the case.
/// </summary>
public sealed class SimulatorBackend : IConformanceBackend
{
    public string Name => "sim";

    public IReadOnlyDictionary<string, HostTensor> Run(Graph graph, IReadOnlyDictionary<string, HostTensor> inputs)
    {
        var diagnostics = new DiagnosticBag();
        LoweredModel lowered;
        try
        {
            lowered = BuildPipeline.Lower(graph, diagnostics);
        }
        catch (CompilationFailedException e)
        {
            var errors = e.Diagnostics.Where(d => d.IsError).Select(d => $"{d.Code}: {d.Message}").Distinct().ToList();
            throw new UnsupportedByBackendException(errors.Count > 0 ? string.Join("; ", errors) : e.Message);
        }
        return PlanSimulator.Run(lowered.Plan, lowered.Weights, inputs);
    }
}
