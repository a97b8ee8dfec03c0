using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Runtime;
using DnnC.Runtime.Targets;

namespace DnnC.Compiler.Passes;

/// <summary>Facts about a graph that passes require and establish (the MLIR/TVM pass contract).</summary>
[Flags]
public enum GraphFacts
{
    None = 0,
    /// <summary>No BatchNormOp remains.</summary>
    NoBatchNorm = 1,
    /// <summary>Conv/dense epilogues and elementwise chains are fused.</summary>
    Fused = 2,
}

/// <summary>
/// A pass: Graph in, Graph out, no state kept between runs. It reports what it did and fails
/// with diagnostics rather than skipping silently.
/// </summary>
public interface IPass
{
    string Name { get; }
    GraphFacts Requires { get; }
    GraphFacts Establishes { get; }
    Graph Run(Graph graph, PassContext context);
}

/// <summary>One line of a pass's report, for the build report and the console.</summary>
public sealed record PassReport(string Pass, string Summary, IReadOnlyList<string> Details);

/// <summary>A number a pass measured for a layer (kept magnitude, largest activation, waves, cosine similarity...).</summary>
public sealed record LayerMetric(string Name, double Value);

/// <summary>
/// What a pass decided for one layer and why: "folded" because "into a.conv2d", "kept" because
/// "its producer has other users". build-report.json lists them under "layers", so a user can see
/// why a layer did or did not change.
/// </summary>
public sealed record LayerReport(string Pass, string Layer, string Decision, string Reason, EquatableArray<LayerMetric> Metrics);

/// <summary>Everything the passes reported: one summary per pass run, and the per-layer decisions.</summary>
public sealed record PassReports(IReadOnlyList<PassReport> Passes, IReadOnlyList<LayerReport> Layers, IReadOnlyList<Diagnostic>? Warnings = null);

/// <summary>
/// What a pass may know besides the graph: the compile options, the GPU the plan is sized for, and
/// calibration inputs with an on-demand reference run (for passes that must measure what a change
/// does to the outputs). Passes report through it and keep no state of their own.
/// </summary>
public sealed class PassContext(CompileOptions? options = null, GpuTarget? target = null, CalibrationSet? calibration = null)
{
    public CompileOptions Options { get; } = options ?? CompileOptions.Default;

    /// <summary>The GPU the plan is sized for (the first target's representative).</summary>
    public GpuTarget Target { get; } = target ?? GpuTarget.ForArch((options ?? CompileOptions.Default).Targets[0]);

    /// <summary>Inputs to measure with; null until a pass needs them and the build supplies them.</summary>
    public CalibrationSet? Calibration { get; } = calibration;

    public DiagnosticBag Diagnostics { get; } = new();
    public List<PassReport> Reports { get; } = new();
    public List<LayerReport> Layers { get; } = new();

    public void Report(string pass, string summary, IReadOnlyList<string>? details = null) =>
        Reports.Add(new PassReport(pass, summary, details ?? []));

    public void Layer(string pass, string layer, string decision, string reason, params LayerMetric[] metrics) =>
        Layers.Add(new LayerReport(pass, layer, decision, reason, metrics.ToEquatableArray()));
}
