using DnnC.Compiler.IR;
using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Passes;

/// <summary>
/// Merges chains of elementwise ops (activations, broadcasting binaries, earlier chains) into one
/// <see cref="PointwiseOp"/>, so each chain reads its inputs and writes its result once. A link is
/// merged when the earlier op has no other reader and feeds the later one as its running value
/// (input 0) or as the operand of its first step.
/// </summary>
public sealed class FuseElementwiseChains : IPass
{
    public string Name => "fuse-elementwise-chains";
    public GraphFacts Requires => GraphFacts.NoBatchNorm;
    public GraphFacts Establishes => GraphFacts.Fused;

    public Graph Run(Graph graph, PassContext context)
    {
        var editor = new GraphEditor(graph);
        int merges = 0;
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var first in editor.Nodes.Where(n => AsChain(n) is not null).ToList())
            {
                if (!editor.HasSingleUse(first.Name, out var second) || AsChain(second) is null) continue;
                if (second.Type != first.Type) continue;
                var merged = Merge(AsChain(first)!, first.Name, AsChain(second)!);
                if (merged is null) continue;
                editor.Remove(first);
                editor.Replace(second, second with
                {
                    Op = new PointwiseOp(merged.Steps.ToEquatableArray()),
                    Inputs = merged.Inputs.ToEquatableArray(),
                    Layers = first.Layers.Concat(second.Layers).ToEquatableArray(),
                });
                merges++;
                changed = true;
                break;
            }
        }
        context.Report(Name, $"merged {merges} elementwise link(s)");
        return editor.Build();
    }

    private sealed record Chain(List<string> Inputs, List<EpilogueStep> Steps);

    /// <summary>Any elementwise node seen as "input 0, then steps".</summary>
    private static Chain? AsChain(Node node) => node.Op switch
    {
        ActivationOp a => new([node.Inputs[0]], [new ActivationStep(a.Kind, a.Alpha, a.Beta)]),
        // Unary math has no operand, so it merges like an activation. MathBinaryOp and WhereOp stay
        // single-step kernels: Merge renumbers BinaryStep operands only.
        UnaryMathOp u => new([node.Inputs[0]], [new UnaryMathStep(u.Kind, u.Alpha, u.Beta)]),
        CastOp c => new([node.Inputs[0]], [new CastStep(c.To, c.Saturate, c.Rounding)]),
        BinaryOp b => new([.. node.Inputs], [new BinaryStep(b.Kind, 1)]),
        PointwiseOp p => new([.. node.Inputs], [.. p.Steps]),
        _ => null,
    };

    /// <summary>The chain computing second(first(...)), or null when first is not its running value.</summary>
    private static Chain? Merge(Chain first, string firstName, Chain second)
    {
        var secondSteps = second.Steps;
        var secondInputs = second.Inputs;
        if (secondInputs[0] != firstName)
        {
            // first feeds the operand of second's first step: swap sides so it becomes the running value.
            if (secondSteps[0] is not BinaryStep { } b || secondInputs[b.Operand] != firstName
                || secondInputs.Count(i => i == firstName) != 1)
                return null;
            secondInputs = [.. secondInputs];
            (secondInputs[0], secondInputs[b.Operand]) = (secondInputs[b.Operand], secondInputs[0]);
            int swapped = b.Operand;
            int Swap(int i) => i == 0 ? swapped : i == swapped ? 0 : i;
            secondSteps = [b with { RunningOnLeft = !b.RunningOnLeft }, .. secondSteps.Skip(1)
                .Select(s => s is BinaryStep later ? later with { Operand = Swap(later.Operand) } : s)];
        }
        else if (secondInputs.Count(i => i == firstName) != 1)
        {
            return null;
        }

        // Inputs of the merged chain: first's inputs, then second's other inputs, renumbered.
        var inputs = new List<string>(first.Inputs);
        var remap = new Dictionary<int, int>();
        for (int i = 1; i < secondInputs.Count; i++)
        {
            remap[i] = inputs.Count;
            inputs.Add(secondInputs[i]);
        }
        var steps = new List<EpilogueStep>(first.Steps);
        foreach (var step in secondSteps)
            steps.Add(step is BinaryStep bs ? bs with { Operand = remap[bs.Operand] } : step);
        return new Chain(inputs, steps);
    }
}
