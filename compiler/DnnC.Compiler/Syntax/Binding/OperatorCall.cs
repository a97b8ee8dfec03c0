using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Syntax.Weights;
using DnnC.Compiler.Text;

namespace DnnC.Compiler.Syntax.Binding;

/// <summary>What an operator's lowering may ask of the binder: nodes, weights, diagnostics.</summary>
internal interface IOperatorHost
{
    string? AddNode(OperatorCall call, Op op, IReadOnlyList<string> inputs);

    /// <summary>
    /// The weight <c>&lt;layer&gt;.&lt;suffix&gt;</c> as a constant node. <paramref name="fileShape"/>
    /// is its shape in a weights file when that differs from the graph's (a standalone bias is
    /// stored as [C] and used as [C, 1, 1]).
    /// </summary>
    string? AddWeight(OperatorCall call, string suffix, int[] shape, WeightRole role, int fanIn, int[]? fileShape = null);

    void Report(Diagnostic diagnostic);
}

/// <summary>
/// One operator application after its arguments matched: typed inputs, converted attributes,
/// the layer name its weights hang off, and the value name its result gets.
/// </summary>
internal sealed class OperatorCall(
    IOperatorHost host,
    OperatorSpec spec,
    CallSyntax syntax,
    SourceLocation at,
    string layer,
    string nodeName,
    IReadOnlyList<string> inputs,
    IReadOnlyList<TensorType> types,
    IReadOnlyDictionary<string, BoundArgument> arguments)
{
    public OperatorSpec Spec => spec;
    public CallSyntax Syntax => syntax;
    public SourceLocation At => at;
    public string Layer => layer;
    public string NodeName => nodeName;
    public IReadOnlyList<string> Inputs => inputs;
    public IReadOnlyList<TensorType> Types => types;

    public bool Has(string name) => arguments.ContainsKey(name);
    public int Int(string name) => (int)Get(name);
    public float Float(string name) => (float)Get(name);
    public bool Bool(string name) => (bool)Get(name);
    public int[] Ints(string name) => (int[])Get(name);

    private object Get(string name) =>
        arguments.TryGetValue(name, out var a) ? a.Value
        : spec.Params.First(p => p.Name == name).Default ?? throw new InvalidOperationException($"'{name}' has no default");

    /// <summary>Where an argument was written, or the call when it was left to its default.</summary>
    public SourceLocation ArgAt(string name) =>
        arguments.TryGetValue(name, out var a) ? at with { Span = a.Syntax.Span } : at;

    public string? Add(Op op, params string[] inputs) => host.AddNode(this, op, inputs);

    public string? Weight(string suffix, int[] shape, WeightRole role, int fanIn, int[]? fileShape = null) =>
        host.AddWeight(this, suffix, shape, role, fanIn, fileShape);

    /// <summary>Reports an invalid argument value and returns null, for <c>return call.Invalid(...)</c>.</summary>
    public string? Invalid(string name, string detail, string? help = null)
    {
        host.Report(Diag.InvalidArgumentValue(ArgAt(name), spec.Name, name, detail, help));
        return null;
    }

    /// <summary>Normalises a possibly negative axis against <paramref name="rank"/>; null after reporting.</summary>
    public int? Axis(string name, int rank)
    {
        int axis = Int(name);
        int normal = axis < 0 ? axis + rank : axis;
        if (normal >= 0 && normal < rank) return normal;
        Invalid(name, $"axis {axis} is out of range for {Types[0]}", $"use an axis in [{-rank}, {rank - 1}]");
        return null;
    }
}
