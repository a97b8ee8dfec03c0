using DnnC.Compiler.IR;
using DnnC.Runtime;
using DnnC.Runtime.Numerics;
using DnnC.Runtime.Plan;

namespace DnnC.TestCases;

/// <summary>
/// One op applied to fresh inputs of the given shapes. <see cref="Domain"/> maps (input index,
/// uniform value in [−1, 1)) to the value fed, keeping each function where it is defined and well
/// conditioned (positive logs, divisors away from zero, integers so comparisons meet ties).
/// </summary>
internal sealed record MathOpCase(string Name, Op Op, int[][] Shapes, Func<int, float, float>? Domain = null)
{
    public override string ToString() => Name;
}

/// <summary>
/// Every variant of the math, reduction and normalization ops that lowering maps to a kernel
/// (each unary and binary kind, where, each reduction over contiguous, split, short and long axes,
/// layer norm with and without bias and with broadcast parameters, instance norm, log-softmax on
/// each axis position, LRN with odd, even and unit windows, casts onto every narrower type), at
/// sizes that divide no block size.
/// Shared by the CUDA emulation tests (compiler) and the simulator tests (runtime).
/// </summary>
internal static class MathOpCases
{
    public static IReadOnlyList<MathOpCase> All { get; } = Build();

    public static MathOpCase Get(string name) => All.Single(c => c.Name == name);

    private static List<MathOpCase> Build()
    {
        var cases = new List<MathOpCase>();
        foreach (var kind in Enum.GetValues<UnaryKind>())
            cases.Add(new($"unary_{kind}", new UnaryMathOp(kind, 0.7f, 1.3f), [[3, 5, 7]], (_, v) => UnaryDomain(kind, v)));

        foreach (var kind in Enum.GetValues<MathBinaryKind>())
            cases.Add(new($"binary_{kind}", new MathBinaryOp(kind), [[2, 3, 4, 5], [3, 1, 5]], (i, v) => BinaryDomain(kind, i, v)));
        cases.Add(new("binary_Pow_left_broadcast", new MathBinaryOp(MathBinaryKind.Pow), [[5], [2, 3, 4, 5]],
            (i, v) => BinaryDomain(MathBinaryKind.Pow, i, v)));
        cases.Add(new("binary_GreaterOrEqual_left_broadcast", new MathBinaryOp(MathBinaryKind.GreaterOrEqual), [[4, 1], [3, 4, 6]],
            (i, v) => BinaryDomain(MathBinaryKind.GreaterOrEqual, i, v)));

        cases.Add(new("where_broadcast_condition", new WhereOp(), [[3, 1, 5], [2, 3, 4, 5], [5]], (i, v) => i == 0 ? MathF.Round(v) : v));
        cases.Add(new("where_broadcast_branches", new WhereOp(), [[2, 3, 4, 5], [1], [2, 1, 1, 5]], (i, v) => i == 0 ? MathF.Round(v) : v));

        int[] reduceShape = [2, 40, 3, 50];
        int[][] axisSets = [[1], [2], [1, 3], [0, 2], [0, 1, 2, 3]];
        foreach (var kind in Enum.GetValues<ReduceKind>())
            for (int a = 0; a < axisSets.Length; a++)
                cases.Add(new($"reduce_{kind}_axes{string.Join("", axisSets[a])}", new ReduceOp(kind, axisSets[a], KeepDims: a % 2 == 0),
                    [reduceShape], (_, v) => ReduceDomain(kind, v)));
        // Many outputs over a strided axis: a thread per output, each looping over 64 elements.
        foreach (var kind in new[] { ReduceKind.Mean, ReduceKind.Max, ReduceKind.LogSumExp })
            cases.Add(new($"reduce_{kind}_strided_many_outputs", new ReduceOp(kind, [1], false), [[3, 64, 700]], (_, v) => ReduceDomain(kind, v)));
        cases.Add(new("reduce_Sum_unit_axis", new ReduceOp(ReduceKind.Sum, [1], true), [[4, 1, 9]]));
        // The importer reduces a scalar as a one-element vector: a rank-0 output.
        cases.Add(new("reduce_LogSumExp_one_element", new ReduceOp(ReduceKind.LogSumExp, [0], false), [[1]]));

        Func<int, float, float> offsetRows = (i, v) => i == 0 ? 2 * v + 3 : v;
        cases.Add(new("layernorm_last_axis", new LayerNormOp(2, 1e-5f), [[2, 3, 37], [37], [37]], offsetRows));
        cases.Add(new("layernorm_no_bias_full_scale", new LayerNormOp(1, 1e-3f), [[2, 3, 4, 50], [3, 4, 50]], offsetRows));
        cases.Add(new("layernorm_broadcast_parameters", new LayerNormOp(1, 1e-5f), [[3, 6, 300], [300], [6, 1]], offsetRows));

        cases.Add(new("instancenorm_4d", new InstanceNormOp(1e-5f), [[2, 3, 5, 7], [3], [3]], offsetRows));
        cases.Add(new("instancenorm_3d_long", new InstanceNormOp(1e-3f), [[1, 4, 300], [4], [4]], offsetRows));

        Func<int, float, float> wide = (_, v) => 10 * v;
        cases.Add(new("log_softmax_last_axis", new LogSoftmaxOp(1), [[4, 1000]], wide));
        cases.Add(new("log_softmax_middle_axis", new LogSoftmaxOp(1), [[2, 7, 33]], wide));
        cases.Add(new("log_softmax_first_axis", new LogSoftmaxOp(0), [[5, 3]], wide));

        Func<int, float, float> lrnDomain = (_, v) => 3 * v;
        cases.Add(new("lrn_size3", new LrnOp(3, 0.5f, 0.75f, 1f), [[2, 7, 5, 6]], lrnDomain));
        cases.Add(new("lrn_size4_even_window", new LrnOp(4, 0.3f, 0.6f, 1.5f), [[2, 7, 5, 6]], lrnDomain));
        cases.Add(new("lrn_size1", new LrnOp(1, 0.2f, 0.75f, 1f), [[1, 3, 4, 4]], lrnDomain));
        cases.Add(new("lrn_3d_size5", new LrnOp(5, 0.01f, 0.5f, 2f), [[1, 5, 11]], lrnDomain));
        // Casts onto every narrower type, over magnitudes 2^-14 .. 2^20: subnormal grids, ties,
        // saturation and (without saturate) overflow to infinity or NaN all occur.
        Func<int, float, float> wideMagnitudes = (_, v) => MathF.CopySign(MathF.Pow(2, MathF.Abs(v) * 34 - 14), v);
        foreach (var format in Enum.GetValues<ElementFormat>())
            cases.Add(new($"cast_{format}", new CastOp(format), [[3, 41]], wideMagnitudes));
        foreach (var format in new[] { ElementFormat.Float8E4M3FN, ElementFormat.Float8E4M3FNUZ, ElementFormat.Float8E5M2, ElementFormat.Float8E8M0 })
            cases.Add(new($"cast_{format}_no_saturate", new CastOp(format, Saturate: false), [[3, 41]], wideMagnitudes));
        cases.Add(new("cast_Float8E8M0_down", new CastOp(ElementFormat.Float8E8M0, Rounding: PowerOfTwoRounding.Down), [[3, 41]], wideMagnitudes));
        cases.Add(new("cast_Float8E8M0_nearest", new CastOp(ElementFormat.Float8E8M0, Rounding: PowerOfTwoRounding.Nearest), [[3, 41]], wideMagnitudes));
        return cases;
    }

    private static float UnaryDomain(UnaryKind kind, float v) => kind switch
    {
        UnaryKind.Log or UnaryKind.Sqrt => 3 * MathF.Abs(v) + 0.05f,
        UnaryKind.Acosh => 1 + 3 * MathF.Abs(v),
        UnaryKind.Asin or UnaryKind.Acos or UnaryKind.Atanh => 0.95f * v,
        UnaryKind.Reciprocal => MathF.CopySign(0.2f + MathF.Abs(v), v),
        UnaryKind.Not => MathF.Round(v),
        UnaryKind.Tan => 1.2f * v,
        _ => 4 * v,
    };

    private static float BinaryDomain(MathBinaryKind kind, int input, float v) => kind switch
    {
        MathBinaryKind.Pow => input == 0 ? 2 * MathF.Abs(v) + 0.1f : 2 * v,
        MathBinaryKind.ModFloor or MathBinaryKind.ModTrunc => input == 0 ? 10 * v : MathF.CopySign(0.5f + 3 * MathF.Abs(v), v),
        MathBinaryKind.Max or MathBinaryKind.Min or MathBinaryKind.PRelu => 3 * v,
        _ => MathF.Round(1.5f * v),
    };

    private static float ReduceDomain(ReduceKind kind, float v) => kind switch
    {
        ReduceKind.Prod => 1 + 0.1f * v,
        ReduceKind.LogSum => MathF.Abs(v) + 0.1f,
        ReduceKind.LogSumExp => 5 * v,
        _ => v,
    };

    /// <summary>
    /// Unary math inside fused kernels: a dense layer whose epilogue gains elu then softplus, and a
    /// pointwise chain relu → sqrt → add → exp followed by a max that stays its own kernel.
    /// Inputs x [2, 5, 24], u [3, 33], v [33]; outputs y and z.
    /// </summary>
    public static Graph FusedGraph(int seed)
    {
        var random = new Random(seed);
        HostTensor Weight(params int[] shape) =>
            new(shape, Enumerable.Range(0, (int)HostTensor.ElementCount(shape)).Select(_ => (float)(random.NextDouble() * 0.4 - 0.2)).ToArray());
        var g = new GraphBuilder("fused_math");
        string x = g.Input("x", TensorType.F32(2, 5, 24));
        string u = g.Input("u", TensorType.F32(3, 33));
        string v = g.Input("v", TensorType.F32(33));
        string dense = g.Add("dense", new DenseOp(true, []), [x, g.Constant("dense.weight", Weight(19, 24)), g.Constant("dense.bias", Weight(19))])!;
        string elu = g.Add("elu", new UnaryMathOp(UnaryKind.Elu, 0.5f), [dense])!;
        g.Output("y", g.Add("softplus", new UnaryMathOp(UnaryKind.Softplus), [elu])!);
        string relu = g.Add("relu", new ActivationOp(ActivationKind.Relu), [u])!;
        string sqrt = g.Add("sqrt", new UnaryMathOp(UnaryKind.Sqrt), [relu])!;
        string add = g.Add("add", new BinaryOp(BinaryKind.Add), [sqrt, v])!;
        string exp = g.Add("exp", new UnaryMathOp(UnaryKind.Exp), [add])!;
        g.Output("z", g.Add("max", new MathBinaryOp(MathBinaryKind.Max), [exp, v])!);
        return g.Build();
    }

    /// <summary>A graph holding the given cases side by side: inputs "{case}_in{i}", one node and one output per case.</summary>
    public static Graph Graph(IEnumerable<MathOpCase> cases)
    {
        var builder = new GraphBuilder("math_ops");
        foreach (var c in cases)
        {
            var inputs = c.Shapes.Select((shape, i) => builder.Input($"{c.Name}_in{i}", TensorType.F32(shape))).ToList();
            var y = builder.Add(c.Name, c.Op, inputs)
                ?? throw new InvalidOperationException($"{c.Name}: {string.Join("; ", builder.Diagnostics.Items.Select(d => d.Message))}");
            builder.Output(c.Name, y);
        }
        return builder.Build();
    }

    /// <summary>Fresh inputs for <paramref name="cases"/>, drawn from <paramref name="seed"/> through each case's domain.</summary>
    public static Dictionary<string, HostTensor> Inputs(IEnumerable<MathOpCase> cases, int seed)
    {
        var random = new Random(seed);
        var inputs = new Dictionary<string, HostTensor>();
        foreach (var c in cases)
            for (int i = 0; i < c.Shapes.Length; i++)
            {
                var data = new float[HostTensor.ElementCount(c.Shapes[i])];
                for (int e = 0; e < data.Length; e++)
                {
                    float v = (float)(random.NextDouble() * 2 - 1);
                    data[e] = c.Domain is null ? v : c.Domain(i, v);
                }
                inputs[$"{c.Name}_in{i}"] = new HostTensor(c.Shapes[i], data);
            }
        return inputs;
    }
}
