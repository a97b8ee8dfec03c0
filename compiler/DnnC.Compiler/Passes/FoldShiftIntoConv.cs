using DnnC.Compiler.IR;
using DnnC.Runtime;

namespace DnnC.Compiler.Passes;

/// <summary>
/// Folds a shift into the 1×1 convolutions that read it (REFERENCE.md §5): the conv loads
/// x[c, h+dh, w+dw] directly, with a zero predicate out of bounds, so the shift costs no FLOP,
/// no kernel and no memory pass. Only unpadded 1×1 convs qualify, where every read position
/// is inside the input; the shift stays a kernel for any other consumer.
/// </summary>
public sealed class FoldShiftIntoConv : IPass
{
    public string Name => "fold-shift-into-conv";
    public GraphFacts Requires => GraphFacts.None;
    public GraphFacts Establishes => GraphFacts.None;

    public Graph Run(Graph graph, PassContext context)
    {
        var editor = new GraphEditor(graph);
        var folded = new List<string>();
        foreach (var shift in graph.Nodes.Where(n => n.Op is ShiftOp).ToList())
        {
            int kernel = ((ShiftOp)shift.Op).Kernel;
            foreach (var conv in editor.ConsumersOf(shift.Name))
            {
                if (!CanFold(conv, shift.Name, editor)) continue;
                var op = (Conv2dOp)conv.Op with { InputShift = kernel };
                var inputs = conv.Inputs.Select((v, i) => i == 0 ? shift.Inputs[0] : v).ToEquatableArray();
                editor.Replace(conv, conv with { Op = op, Inputs = inputs, Layers = shift.Layers.Concat(conv.Layers).ToEquatableArray() });
                folded.Add($"{shift.Name} into {conv.Name}");
                context.Layer(Name, shift.Name, "folded", $"into the operand load of 1x1 conv '{conv.Name}' (an address offset, REFERENCE §5)");
            }
        }
        context.Report(Name, $"folded {folded.Count} shift(s) into 1x1 convolutions", folded);
        return editor.Build();
    }

    private static bool CanFold(Node conv, string shift, GraphEditor editor) =>
        conv.Op is Conv2dOp { InputShift: 0 } op
        && conv.Inputs[0] == shift
        && conv.Inputs.Skip(1).All(i => i != shift)
        && op.Pads.All(p => p == 0)
        && editor.Producer(conv.Inputs[1])?.Type is { } w && w[2] == 1 && w[3] == 1;
}
