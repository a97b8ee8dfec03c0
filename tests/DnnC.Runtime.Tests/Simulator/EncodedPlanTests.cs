using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Lowering;
using DnnC.Runtime.Targets;
using DnnC.Compiler.Reference;
using DnnC.Runtime.Encoders;
using DnnC.Runtime.Plan;
using DnnC.Simulator;
using DnnC.Simulator.Accelerator;
using static DnnC.Runtime.Tests.Simulator.SimTestSupport;

namespace DnnC.Runtime.Tests.Simulator;

/// <summary>
/// Plans whose conv and GEMM kernels carry 2:4, ternary or FP16 numerics, built through the numerics contract:
/// the decision is set on the graph's nodes (as a pass would), lowering gives the values their storage and
/// <see cref="WeightPacker"/> encodes the weights once; the simulator runs from those bytes. Held to DESIGN.md's
/// numerics contract: 2:4 and ternary plans match the reference run on the pruned or quantized weights within
/// FP32 rounding; FP16 plans stay within 1e-2 relative L2 of the reference on FP16-converted weights.
/// Every template case of <see cref="SimulatorVsReferenceTests"/> is used, on fresh seeded random inputs.
/// </summary>
public sealed class EncodedPlanTests
{
    public static TheoryData<string, WeightEncoding> EncodedCases()
    {
        var data = new TheoryData<string, WeightEncoding>();
        foreach (var name in SimulatorVsReferenceTests.Cases.Keys)
            foreach (var encoding in new[] { WeightEncoding.Sparse24, WeightEncoding.Ternary })
                if (HasEncodableNode(name, encoding)) data.Add(name, encoding);
        return data;
    }

    public static TheoryData<string> AllCases() => new(SimulatorVsReferenceTests.Cases.Keys);

    [Theory]
    [MemberData(nameof(EncodedCases))]
    public void An_encoded_plan_matches_the_reference_on_the_decoded_weights(string name, WeightEncoding encoding)
    {
        var graph = Dsl(SimulatorVsReferenceTests.Cases[name]);
        var (optimized, _) = Lower(graph);
        var (encoded, blob) = LowerWith(optimized, new PlanNumerics(KernelPrecision.Fp32, encoding));
        var decodedGraph = optimized with { Weights = DecodedWeights(encoded, optimized.Weights, encoding, _ => { }) };
        for (int trial = 0; trial < 2; trial++)
        {
            var inputs = RandomInputs(graph, seed: 97 * name.Length + trial);
            var expected = ReferenceExecutor.Run(decodedGraph, inputs);
            var dense = ReferenceExecutor.Run(optimized, inputs);
            var actual = PlanSimulator.Run(encoded, blob, inputs);
            foreach (var output in graph.Outputs)
                AssertClose(expected[output.Name], actual[output.Name], rtol: 1e-4, atol: 1e-5, $"{name}.{output.Name} ({encoding}, trial {trial})");
            // The encoding did change the function: the dense model's outputs are not what came out.
            Assert.True(graph.Outputs.Any(o => MaxAbsDifference(dense[o.Name], actual[o.Name]) > 1e-4), $"{name}: {encoding} left the outputs dense");
        }
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void An_fp16_plan_is_within_1e_2_relative_l2_of_the_reference_on_fp16_weights(string name)
    {
        var graph = Dsl(SimulatorVsReferenceTests.Cases[name]);
        var (optimized, plan) = Lower(graph);
        var (fp16, blob) = LowerWith(optimized, new PlanNumerics(KernelPrecision.Fp16), everyKernel: true);
        Assert.All(fp16.Kernels, k => Assert.Equal(KernelPrecision.Fp16, k.Numerics.Precision));
        var halfWeights = optimized.Weights.Items.Aggregate(optimized.Weights,
            (table, w) => table.With(w.Key, new HostTensor(w.Value.Shape, w.Value.Data.Select(v => (float)(Half)v).ToArray())));
        var inputs = RandomInputs(graph, seed: 13 * name.Length);
        var expected = ReferenceExecutor.Run(optimized with { Weights = halfWeights }, inputs);
        var fp32 = PlanSimulator.Run(plan, WeightPacker.Pack(plan, optimized.Weights.Items), inputs);
        var actual = PlanSimulator.Run(fp16, blob, inputs);
        foreach (var output in graph.Outputs)
        {
            var values = actual[output.Name].Data;
            Assert.All(values, v => Assert.Equal(v, (float)(Half)v));
            Assert.InRange(RelativeL2(expected[output.Name], actual[output.Name]), 0, 1e-2);
            Assert.NotEqual(fp32[output.Name].Data, values);
        }
    }

    [Fact]
    public void An_fp16_plan_with_2_4_weights_is_within_1e_2_of_the_reference_on_the_pruned_fp16_weights()
    {
        // 72 input channels: K = 648 divides into 2:4 groups, as the verifier requires; 130 filters span several tiles.
        var graph = Dsl("""
            model M(x: f32[1, 72, 20, 20]) -> (y) {
              y = x |> conv2d(130, kernel: 3, pad: 1, stride: 1) |> relu6
            }
            """);
        var (optimized, _) = Lower(graph);
        var numerics = new PlanNumerics(KernelPrecision.Fp16, WeightEncoding.Sparse24);
        var (encoded, blob) = LowerWith(optimized, numerics);
        // Lowering prunes the FP32 weights, then stores the kept values as FP16: the reference does the same, in that order
        // (pruning FP16-rounded weights instead picks the other index wherever rounding ties two magnitudes in a group).
        var pruned = DecodedWeights(encoded, optimized.Weights, WeightEncoding.Sparse24, _ => { });
        var halfPruned = pruned.Items.Aggregate(pruned,
            (table, w) => table.With(w.Key, new HostTensor(w.Value.Shape, w.Value.Data.Select(v => (float)(Half)v).ToArray())));
        var reference = optimized with { Weights = halfPruned };
        var inputs = RandomInputs(graph, seed: 5);
        var expected = ReferenceExecutor.Run(reference, inputs)["y"];
        var actual = PlanSimulator.Run(encoded, blob, inputs)["y"];
        Assert.InRange(RelativeL2(expected, actual), 1e-6, 1e-2);
    }

    [Theory]
    [InlineData(WeightEncoding.Sparse24)]
    [InlineData(WeightEncoding.Ternary)]
    public void Zero_skipping_counts_the_weight_zeros_the_encoding_holds(WeightEncoding encoding)
    {
        // A 3×3 conv without padding on an input with no zeros: every zero-operand MAC is a zero weight, and each weight
        // is used Ho·Wo times, so the zero-weight MACs are exactly (zero weights after encoding) × 49.
        var graph = Dsl("""
            model M(x: f32[1, 8, 9, 9]) -> (y) {
              y = x |> conv2d(12, kernel: 3, bias: false)
            }
            """);
        var (optimized, _) = Lower(graph);
        var (encoded, blob) = LowerWith(optimized, new PlanNumerics(KernelPrecision.Fp32, encoding));
        long zeroWeights = 0;
        DecodedWeights(encoded, optimized.Weights, encoding, decoded => zeroWeights += decoded.Count(v => v == 0));
        var x = Random([1, 8, 9, 9], new Random(3));
        Assert.DoesNotContain(0f, x.Data);

        var layer = Assert.Single(PlanSimulator.Simulate(encoded, blob,
            new Dictionary<string, HostTensor> { ["x"] = x }, AcceleratorPresets.Dlac).Report.Layers);
        Assert.Equal(0, layer.ZeroActivationOnlyMacs + layer.ZeroBothMacs);
        Assert.Equal(zeroWeights * 49, layer.ZeroWeightOnlyMacs);
        if (encoding == WeightEncoding.Sparse24) Assert.Equal(layer.Macs / 2, layer.ZeroWeightOnlyMacs); // K = 72: 2 of every 4 go
        Assert.True(zeroWeights > 0);
    }

    private static bool HasEncodableNode(string name, WeightEncoding encoding)
    {
        var (optimized, _) = Lower(Dsl(SimulatorVsReferenceTests.Cases[name]));
        return optimized.Nodes.Any(n => Encodable(optimized, n, new PlanNumerics(Encoding: encoding)));
    }

    /// <summary>
    /// Lowers <paramref name="optimized"/> with <paramref name="numerics"/> decided on every conv, dense and matmul node
    /// whose weights are a constant the encoding can take (or, with <paramref name="everyKernel"/>, on every compute node),
    /// checks that the verifier accepts the decision, and packs the weight blob from the graph's weights.
    /// </summary>
    private static (KernelPlan Plan, PlanWeights Weights) LowerWith(Graph optimized, PlanNumerics numerics, bool everyKernel = false)
    {
        var decided = optimized with
        {
            Nodes = optimized.Nodes.Select(n => n.Op is not (ConstantOp or ReshapeOp or FlattenOp) && (everyKernel || Encodable(optimized, n, numerics))
                ? n with { Numerics = numerics }
                : n).ToEquatableArray(),
        };
        Assert.Empty(GraphVerifier.Verify(decided));
        var plan = PlanLowering.Lower(decided, GpuTarget.H100, new DiagnosticBag());
        Assert.Contains(plan.Kernels, k => k.Numerics == numerics);
        return (plan, WeightPacker.Pack(plan, decided.Weights.Items));
    }

    private static bool Encodable(Graph graph, Node node, PlanNumerics numerics)
    {
        if (node.Op is not (Conv2dOp or DenseOp or MatMulOp) || graph.Producer(node.Inputs[1]) is not { Op: ConstantOp } weight) return false;
        if (numerics.Encoding != WeightEncoding.Sparse24) return true;
        var w = weight.Type;
        var x = graph.Producer(node.Inputs[0])?.Type ?? graph.Inputs.First(i => i.Name == node.Inputs[0]).Type;
        int k = node.Op is Conv2dOp ? w[1] * w[2] * w[3] : x[x.Rank - 1];
        return k % 4 == 0;
    }

    /// <summary>The weights as the encoded kernels compute with them (pruned, or code × α), for the reference executor.</summary>
    private static WeightTable DecodedWeights(KernelPlan plan, WeightTable weights, WeightEncoding encoding, Action<float[]> observe)
    {
        var keys = new HashSet<string>();
        foreach (var kernel in plan.Kernels.Where(k => k.Numerics.Encoding == encoding))
        {
            string key = plan.Storage(kernel.Args[PlanKernel.EncodedWeightArg]).WeightKey!;
            Assert.True(keys.Add(key), $"weight {key} is shared by two encoded kernels");
            var stored = weights[key];
            var (rows, k) = WeightRows.Shape(kernel.Spec);
            var encoderRows = WeightRows.ToRows(kernel.Spec, stored.Data);
            var decodedRows = encoding == WeightEncoding.Sparse24
                ? Sparse24Weights.Compress(encoderRows, rows, k).ToDense()
                : TernaryWeights.Quantize(encoderRows, rows, k).ToDense();
            var decoded = WeightRows.FromRows(kernel.Spec, decodedRows);
            observe(decoded);
            weights = weights.With(key, new HostTensor(stored.Shape, decoded));
        }
        return weights;
    }

    private static double RelativeL2(HostTensor expected, HostTensor actual)
    {
        double num = 0, den = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            num += Math.Pow((double)actual.Data[i] - expected.Data[i], 2);
            den += Math.Pow(expected.Data[i], 2);
        }
        return Math.Sqrt(num / Math.Max(den, double.Epsilon));
    }

    private static double MaxAbsDifference(HostTensor a, HostTensor b) =>
        Enumerable.Range(0, a.Length).Max(i => Math.Abs((double)a.Data[i] - b.Data[i]));
}
