using DnnC.Compiler.IR;
using DnnC.Runtime;
using DnnC.Runtime.Plan;
using static DnnC.Compiler.Syntax.Binding.ParamKind;

namespace DnnC.Compiler.Syntax.Binding;

/// <summary>Pooling, layout and normalisation operators: no weights, axes resolved here.</summary>
internal static class ShapeOperators
{
    public static readonly OperatorSpec[] Specs =
    [
        new("maxpool", 1, 1, [ParamSpec.Req("kernel", IntPair), new("stride", IntPair), new("pad", Pads, new[] { 0, 0, 0, 0 })],
            "x |> maxpool(kernel: 2)", call => Pool(call, PoolKind.Max)),
        new("avgpool", 1, 1,
            [ParamSpec.Req("kernel", IntPair), new("stride", IntPair), new("pad", Pads, new[] { 0, 0, 0, 0 }),
             new("count_include_pad", Bool, false)],
            "x |> avgpool(kernel: 2)", call => Pool(call, PoolKind.Average)),
        new("global_avgpool", 1, 1, [], "x |> global_avgpool", call => call.Add(new GlobalPoolOp(PoolKind.Average), call.Inputs[0])),
        new("global_maxpool", 1, 1, [], "x |> global_maxpool", call => call.Add(new GlobalPoolOp(PoolKind.Max), call.Inputs[0])),
        new("concat", 1, int.MaxValue, [new("axis", Int, 1)], "concat(a, b, axis: 1)", Concat),
        new("reshape", 1, 1, [ParamSpec.Req("shape", IntList)], "x |> reshape([1, -1])", Reshape),
        new("flatten", 1, 1, [new("axis", Int, 1)], "x |> flatten", Flatten),
        new("transpose", 1, 1, [new("perm", IntList)], "x |> transpose([0, 2, 3, 1])", Transpose),
        new("softmax", 1, 1, [new("axis", Int, -1)], "x |> softmax", Softmax),
        new("shift", 1, 1, [new("kernel", Int, 3)], "x |> shift(kernel: 3)", call => call.Add(new ShiftOp(call.Int("kernel")), call.Inputs[0])),
    ];

    private static string? Pool(OperatorCall call, PoolKind kind)
    {
        int[] kernel = call.Ints("kernel");
        int[] stride = call.Has("stride") ? call.Ints("stride") : kernel;
        bool includePad = kind == PoolKind.Average && call.Bool("count_include_pad");
        return call.Add(new PoolOp(kind, kernel, stride, call.Ints("pad"), includePad), call.Inputs[0]);
    }

    private static string? Concat(OperatorCall call) =>
        call.Axis("axis", call.Types[0].Rank) is { } axis ? call.Add(new ConcatOp(axis), [.. call.Inputs]) : null;

    private static string? Softmax(OperatorCall call) =>
        call.Axis("axis", call.Types[0].Rank) is { } axis ? call.Add(new SoftmaxOp(axis), call.Inputs[0]) : null;

    /// <summary>ONNX Flatten: the axis lies in [-rank, rank]; a negative one counts from the end.</summary>
    private static string? Flatten(OperatorCall call)
    {
        int rank = call.Types[0].Rank, axis = call.Int("axis");
        int normal = axis < 0 ? axis + rank : axis;
        if (normal < 0 || normal > rank)
            return call.Invalid("axis", $"axis {axis} is out of range for {call.Types[0]}", $"use an axis in [{-rank}, {rank}]");
        return call.Add(new FlattenOp(normal), call.Inputs[0]);
    }

    private static string? Transpose(OperatorCall call)
    {
        var x = call.Types[0];
        int[] perm = call.Has("perm")
            ? call.Ints("perm").Select(p => p < 0 ? p + x.Rank : p).ToArray()
            : Enumerable.Range(0, x.Rank).Reverse().ToArray();
        if (perm.Length != x.Rank || !perm.Order().SequenceEqual(Enumerable.Range(0, x.Rank)))
            return call.Invalid("perm", $"{TensorType.FormatShape(perm)} is not a permutation of the {x.Rank} axes of {x}");
        return call.Add(new TransposeOp(perm), call.Inputs[0]);
    }

    /// <summary>Resolves 0 (copy the input's dimension) and one -1 (whatever is left).</summary>
    private static string? Reshape(OperatorCall call)
    {
        var x = call.Types[0];
        int[] target = call.Ints("shape").ToArray();
        string written = TensorType.FormatShape(target);
        for (int i = 0; i < target.Length; i++)
        {
            if (target[i] != 0) continue;
            if (i >= x.Rank) return call.Invalid("shape", $"0 at position {i} copies a dimension {x} does not have");
            target[i] = x[i];
        }
        int unknown = Array.FindIndex(target, d => d == -1);
        if (target.Count(d => d == -1) > 1) return call.Invalid("shape", $"{written} has more than one -1");
        if (target.Any(d => d < -1)) return call.Invalid("shape", $"{written} has a negative dimension other than -1");
        if (target.Where(d => d > 0).Aggregate(1.0, (a, d) => a * d) > x.ElementCount)
            return call.Invalid("shape", $"{written} holds more elements than {x} ({x.ElementCount})");
        if (unknown >= 0)
        {
            long known = target.Where(d => d != -1).Aggregate(1L, (a, d) => a * d);
            if (known == 0 || x.ElementCount % known != 0)
                return call.Invalid("shape", $"cannot reshape {x} ({x.ElementCount} elements) to {written}");
            target[unknown] = (int)(x.ElementCount / known);
        }
        if (HostTensor.ElementCount(target) != x.ElementCount)
            return call.Invalid("shape", $"cannot reshape {x} ({x.ElementCount} elements) to {written} ({HostTensor.ElementCount(target)} elements)");
        return call.Add(new ReshapeOp(target), call.Inputs[0]);
    }
}
