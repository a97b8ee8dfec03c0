using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;

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

public sealed class PassContext
{
    public DiagnosticBag Diagnostics { get; } = new();
    public List<PassReport> Reports { get; } = new();

    public void Report(string pass, string summary, IReadOnlyList<string>? details = null) =>
        Reports.Add(new PassReport(pass, summary, details ?? []));
}
