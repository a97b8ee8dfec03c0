using DnnC.Compiler.IR;
using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Passes;

/// <summary>
/// Moves activations, unary math functions and binary ops (residual add, per-channel scale) that directly follow a
/// conv, dense or matmul into its epilogue, so the result is written once. A step is fused only
/// when the producer has no other reader and the step does not enlarge the output by broadcasting.
/// </summary>
public sealed class FuseEpilogues : IPass
{
    public string Name => "fuse-epilogues";
    public GraphFacts Requires => GraphFacts.NoBatchNorm;
    public GraphFacts Establishes => GraphFacts.None;

    public Graph Run(Graph graph, PassContext context)
    {
        var editor = new GraphEditor(graph);
        var fused = new List<string>();
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var producer in editor.Nodes.Where(n => Epilogue(n.Op) is not null).ToList())
            {
                if (!editor.HasSingleUse(producer.Name, out var consumer)) continue;
                var step = StepFor(consumer, producer.Name, producer.Inputs.Count, out string? operand);
                if (step is null || consumer.Type != producer.Type) continue;

                var op = WithEpilogue(producer.Op, Epilogue(producer.Op)!.Value.Concat([step]).ToEquatableArray());
                var inputs = operand is null ? producer.Inputs : producer.Inputs.Append(operand).ToEquatableArray();
                // The fused node stands where the consumer stood (all its operands are defined
                // by then) and takes its name, which every later reader refers to.
                editor.Remove(producer);
                editor.Replace(consumer, consumer with
                {
                    Op = op,
                    Inputs = inputs,
                    Layers = producer.Layers.Concat(consumer.Layers).ToEquatableArray(),
                    Location = producer.Location,
                    Options = producer.Options,
                });
                fused.Add($"{consumer.Name} ({consumer.Op.Mnemonic}) into {producer.Name}");
                context.Layer(Name, consumer.Name, "fused", $"{consumer.Op.Mnemonic} into the epilogue of {producer.Op.Mnemonic} '{producer.Name}'");
                changed = true;
                break;
            }
        }
        context.Report(Name, $"fused {fused.Count} op(s) into conv/dense/matmul epilogues", fused);
        return editor.Build();
    }

    private static EquatableArray<EpilogueStep>? Epilogue(Op op) => op switch
    {
        Conv2dOp c => c.Epilogue,
        DenseOp d => d.Epilogue,
        MatMulOp m => m.Epilogue,
        _ => (EquatableArray<EpilogueStep>?)null,
    };

    private static Op WithEpilogue(Op op, EquatableArray<EpilogueStep> steps) => op switch
    {
        Conv2dOp c => c with { Epilogue = steps },
        DenseOp d => d with { Epilogue = steps },
        MatMulOp m => m with { Epilogue = steps },
        _ => throw new InvalidOperationException(),
    };

    /// <summary>The epilogue step equivalent to <paramref name="consumer"/> applied to <paramref name="value"/>.</summary>
    private static EpilogueStep? StepFor(Node consumer, string value, int nextOperand, out string? operand)
    {
        operand = null;
        switch (consumer.Op)
        {
            case ActivationOp a:
                return new ActivationStep(a.Kind, a.Alpha, a.Beta);
            case UnaryMathOp u:
                return new UnaryMathStep(u.Kind, u.Alpha, u.Beta);
            case CastOp c:
                return new CastStep(c.To, c.Saturate, c.Rounding);
            case BinaryOp b when consumer.Inputs[0] != consumer.Inputs[1]:
                bool runningOnLeft = consumer.Inputs[0] == value;
                operand = runningOnLeft ? consumer.Inputs[1] : consumer.Inputs[0];
                return new BinaryStep(b.Kind, nextOperand, runningOnLeft);
            default:
                return null;
        }
    }
}
