using DnnC.Compiler.IR;
using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Passes;

/// <summary>
/// Rewrites each remaining batchnorm as x·s + t with per-channel constants s = γ/√(σ²+ε) and
/// t = β − μ·s (float64, then rounded), shaped [C, 1, ...] to broadcast over axis 1.
/// </summary>
public sealed class BatchNormToAffine : IPass
{
    public string Name => "batchnorm-to-affine";
    public GraphFacts Requires => GraphFacts.None;
    public GraphFacts Establishes => GraphFacts.NoBatchNorm;

    public Graph Run(Graph graph, PassContext context)
    {
        var editor = new GraphEditor(graph);
        var rewritten = new List<string>();
        foreach (var bn in graph.Nodes.Where(n => n.Op is BatchNormOp).ToList())
        {
            var param = bn.Inputs.Skip(1).Select(editor.ConstantValue).ToList();
            if (param.Any(p => p is null))
            {
                context.Diagnostics.Add(Diagnostics.Diag.NonConstantBatchNorm(bn.Location, bn.Name));
                continue;
            }
            int channels = bn.Type[1];
            int[] shape = [channels, .. Enumerable.Repeat(1, bn.Type.Rank - 2)];
            var (s64, t64) = FoldBatchNorm.ScaleShift(param[0]!, param[1]!, param[2]!, param[3]!, ((BatchNormOp)bn.Op).Epsilon);
            var scale = s64.Select(v => (float)v).ToArray();
            var shift = t64.Select(v => (float)v).ToArray();
            string sName = editor.InsertConstant(bn.Name + ".scale", new HostTensor(shape, scale), bn);
            string tName = editor.InsertConstant(bn.Name + ".shift", new HostTensor((int[])shape.Clone(), shift), bn);
            var op = new PointwiseOp([new BinaryStep(BinaryKind.Mul, 1), new BinaryStep(BinaryKind.Add, 2)]);
            editor.Replace(bn, bn with { Op = op, Inputs = EquatableArray.Create(bn.Inputs[0], sName, tName) });
            rewritten.Add(bn.Name);
            context.Layer(Name, bn.Name, "rewritten", "no conv or dense to fold into: a per-channel multiply and add, for elementwise fusion");
        }
        context.Report(Name, $"rewrote {rewritten.Count} batchnorm(s) as scale and shift", rewritten);
        return editor.Build();
    }
}
