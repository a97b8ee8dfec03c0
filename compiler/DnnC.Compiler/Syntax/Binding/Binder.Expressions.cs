using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Syntax.Weights;
using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Syntax.Binding;

internal sealed partial class Binder
{
    /// <summary>
    /// Binds an expression to an IR value name, or null when it (or something it reads) failed.
    /// The root operation of a statement produces the statement's own name.
    /// </summary>
    private string? BindExpr(ExprSyntax expr, bool isRoot) => expr switch
    {
        NameSyntax name => BindAlias(ResolveName(name), isRoot),
        NumberSyntax number => BindScalar(number, isRoot),
        BinarySyntax binary => BindBinary(binary, isRoot),
        CallSyntax call => BindCall(call, piped: null, isRoot),
        PipelineSyntax pipeline => BindPipeline(pipeline, isRoot),
        _ => NotATensor(expr),
    };

    /// <summary><c>y = x</c> makes <c>y</c> another name for the value of <c>x</c>; no node is added.</summary>
    private static string? BindAlias(string? value, bool isRoot) => value;

    private string? NotATensor(ExprSyntax expr)
    {
        string what = expr switch
        {
            ListSyntax => "a list",
            BoolSyntax b => $"'{(b.Value ? "true" : "false")}'",
            StringSyntax s => $"the string \"{s.Value}\"",
            RatioSyntax r => $"the ratio {r.Numerator}:{r.Denominator}",
            NumberSyntax n => $"the number {n.Text}",
            _ => "this expression",
        };
        Report(Diag.NotATensor(At(expr.Span), what));
        return null;
    }

    private string? ResolveName(NameSyntax name)
    {
        if (_symbols.TryGetValue(name.Name, out var value)) return value;
        string root = StatementOrder.Root(name.Name);
        if (_order.DefinedAt(root) is { } at && at >= _scope.Index)
        {
            if (_order.PathBetween(at, _scope.Index) is { } path)
                Report(Diag.Cycle(At(name.Span), string.Join(" -> ", [_scope.Name, .. path])));
            else
                Report(Diag.UsedBeforeDefinition(At(name.Span), name.Name, LineOf(_model.Items[at].Span)));
            return null;
        }
        // A poisoned statement poisons its layer names too, without a second report.
        if (name.Name.Contains('.') && _symbols.TryGetValue(root, out var rootValue) && rootValue is null) return null;
        Report(Diag.UndefinedName(At(name.Span), name.Name, Diag.Suggest(name.Name, _symbols.Keys)));
        return null;
    }

    private string? BindScalar(NumberSyntax number, bool isRoot)
    {
        string layer = _scope.NextLayer("const");
        string name = isRoot ? _scope.Name : layer;
        var value = _builder.Constant(name, new HostTensor([1], [(float)number.Value]), At(number.Span));
        _symbols.TryAdd(layer, value);
        return value;
    }

    private string? BindBinary(BinarySyntax binary, bool isRoot)
    {
        var left = BindExpr(binary.Left, isRoot: false);
        var right = BindExpr(binary.Right, isRoot: false);
        var kind = binary.Operator switch
        {
            '+' => BinaryKind.Add,
            '-' => BinaryKind.Sub,
            '*' => BinaryKind.Mul,
            _ => BinaryKind.Div,
        };
        string layer = _scope.NextLayer(BinaryOp.Name(kind));
        if (left is null || right is null) return Poison(layer);
        string name = isRoot ? _scope.Name : layer;
        return Register(layer, _builder.Add(name, new BinaryOp(kind), [left, right], At(binary.Span), _scope.Options));
    }

    private string? BindPipeline(PipelineSyntax pipeline, bool isRoot)
    {
        var value = BindExpr(pipeline.Source, isRoot: false);
        for (int i = 0; i < pipeline.Stages.Count; i++)
        {
            bool last = i == pipeline.Stages.Count - 1;
            value = BindCall(pipeline.Stages[i], new Piped(value), isRoot && last);
        }
        return value;
    }

    /// <summary>The value flowing into a pipeline stage; <see cref="Value"/> null when poisoned.</summary>
    private sealed record Piped(string? Value);

    private string? BindCall(CallSyntax call, Piped? piped, bool isRoot)
    {
        var spec = OperatorCatalog.Find(call.Callee.Text);
        if (spec is null)
        {
            Report(Diag.UnknownOperator(At(call.Callee.Span), call.Callee.Text, Diag.Suggest(call.Callee.Text, OperatorCatalog.All.Keys)));
            // Still bind the tensor-looking arguments, so errors inside them are reported too.
            foreach (var arg in call.Arguments.Where(a => a.Name is null && !IsLiteral(a.Value)))
                BindExpr(arg.Value, isRoot: false);
            return Poison(_scope.NextLayer(call.Callee.Text));
        }

        var match = ArgumentMatcher.Match(spec, call, piped is not null, IsLiteral, Report, _source);
        var inputs = new List<string?>();
        if (piped is not null) inputs.Add(piped.Value);
        foreach (var expr in match.TensorArguments) inputs.Add(BindExpr(expr, isRoot: false));

        string layer = _scope.NextLayer(spec.Name);
        if (!match.Ok || inputs.Any(i => i is null)) return Poison(layer);

        var values = inputs.Select(i => i!).ToList();
        var types = values.Select(v => _builder.TypeOf(v)!).ToList();
        string nodeName = isRoot ? _scope.Name : layer;
        var bound = new OperatorCall(this, spec, call, At(call.Span), layer, nodeName, values, types, match.Arguments);
        var result = spec.Lower(bound);
        _weights.ReportMissing(bound);
        return Register(layer, result);
    }

    private static bool IsLiteral(ExprSyntax expr) => expr is NumberSyntax or BoolSyntax or ListSyntax or RatioSyntax or StringSyntax;

    private string? Poison(string layer)
    {
        _symbols.TryAdd(layer, null);
        return null;
    }

    /// <summary>Makes a layer reachable by its dotted name (<c>a.conv2d</c>) even when the node is named after the statement.</summary>
    private string? Register(string layer, string? value)
    {
        _symbols.TryAdd(layer, value);
        return value;
    }

    string? IOperatorHost.AddNode(OperatorCall call, Op op, IReadOnlyList<string> inputs) =>
        _builder.Add(call.NodeName, op, inputs, call.At, _scope.Options);

    string? IOperatorHost.AddWeight(OperatorCall call, string suffix, int[] shape, WeightRole role, int fanIn, int[]? fileShape) =>
        _weights.Add(call, suffix, shape, role, fanIn, fileShape);
}
