using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;

namespace DnnC.Compiler.Passes;

/// <summary>
/// Runs passes in order, checks each one's requirements, and verifies the IR after every pass, and
/// that every fact established so far still holds of it (GraphFactChecks), so that a broken pass is
/// named at once instead of surfacing as a wrong kernel later.
/// </summary>
public sealed class PassManager(IReadOnlyList<IPass> passes)
{
    /// <summary>Called after each pass with its name and the resulting graph (--print-ir-after-all).</summary>
    public Action<string, Graph>? AfterPass { get; init; }

    /// <summary>Receives each pass's time and the IR verification's (--time-steps).</summary>
    public StepTimes Times { get; init; } = new();

    public Graph Run(Graph graph, PassContext context)
    {
        var facts = GraphFacts.None;
        foreach (var pass in passes)
        {
            var missing = pass.Requires & ~facts;
            if (missing != GraphFacts.None)
                throw new InvalidOperationException($"pass '{pass.Name}' requires {missing}, which no earlier pass establishes");

            var input = graph;
            graph = Times.Time($"pass {pass.Name}", () => pass.Run(input, context));
            if (context.Diagnostics.HasErrors) throw new CompilationFailedException(context.Diagnostics.Items);

            var output = graph;
            var errors = Times.Time("verify IR after each pass", () => GraphVerifier.Verify(output));
            if (errors.Count > 0)
            {
                context.Diagnostics.Add(Diag.InvalidIrAfterPass(pass.Name, string.Join("; ", errors)));
                throw new CompilationFailedException(context.Diagnostics.Items);
            }
            facts |= pass.Establishes;
            var broken = GraphFactChecks.Violations(facts, graph).ToList();
            if (broken.Count > 0)
            {
                context.Diagnostics.Add(Diag.InvalidIrAfterPass(pass.Name, string.Join("; ", broken)));
                throw new CompilationFailedException(context.Diagnostics.Items);
            }
            AfterPass?.Invoke(pass.Name, graph);
        }
        return graph;
    }
}
