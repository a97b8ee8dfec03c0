using DnnC.Compiler.IR;
using DnnC.Compiler.Reference;
using DnnC.Runtime.Encoders;
using DnnC.Runtime.Plan;
using DnnC.Simulator;
using DnnC.Simulator.Accelerator;
using static DnnC.Runtime.Tests.Simulator.SimTestSupport;

namespace DnnC.Runtime.Tests.Simulator;

/// <summary>
/// Plans whose conv and GEMM kernels carry 2:4, ternary or FP16 numerics, run on the simulator and held to
/// DESIGN.md's numerics contract: 2:4 and ternary plans match the reference run on the pruned or quantized
/// weights within FP32 rounding; FP16 plans stay within 1e-2 relative L2 of the reference on FP16-converted weights.
/// Every template case of <see cref="SimulatorVsReferenceTests"/> is used, on fresh seeded random inputs.
/// </summary>
public sealed class EncodedPlanTests
{
    public static TheoryData<string, WeightEncoding> EncodedCases()
    {
        var data = new TheoryData<string, WeightEncoding>();
        foreach (var name in SimulatorVsReferenceTests.Cases.Keys.Where(HasEncodableKernel))
        {
            data.Add(name, WeightEncoding.Sparse24);
            data.Add(name, WeightEncoding.Ternary);
        }
        return data;
    }

    public static TheoryData<string> AllCases() => new(SimulatorVsReferenceTests.Cases.Keys);

    [Theory]
    [MemberData(nameof(EncodedCases))]
    public void An_encoded_plan_matches_the_reference_on_the_decoded_weights(string name, WeightEncoding encoding)
    {
        var graph = Dsl(SimulatorVsReferenceTests.Cases[name]);
        var (optimized, plan) = Lower(graph);
        var encoded = WithNumerics(plan, optimized, new PlanNumerics(KernelPrecision.Fp32, encoding));
        var decodedGraph = optimized with { Weights = DecodedWeights(encoded, optimized.Weights, encoding, _ => { }) };
        for (int trial = 0; trial < 2; trial++)
        {
            var inputs = RandomInputs(graph, seed: 97 * name.Length + trial);
            var expected = ReferenceExecutor.Run(decodedGraph, inputs);
            var dense = ReferenceExecutor.Run(optimized, inputs);
            var actual = PlanSimulator.Run(encoded, optimized.Weights.Items, inputs);
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
        var fp16 = plan with { Kernels = plan.Kernels.Select(k => k with { Numerics = new PlanNumerics(KernelPrecision.Fp16) }).ToEquatableArray() };
        var halfWeights = optimized.Weights.Items.Aggregate(optimized.Weights,
            (table, w) => table.With(w.Key, new HostTensor(w.Value.Shape, w.Value.Data.Select(v => (float)(Half)v).ToArray())));
        var inputs = RandomInputs(graph, seed: 13 * name.Length);
        var expected = ReferenceExecutor.Run(optimized with { Weights = halfWeights }, inputs);
        var fp32 = PlanSimulator.Run(plan, optimized.Weights.Items, inputs);
        var actual = PlanSimulator.Run(fp16, optimized.Weights.Items, inputs);
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
        var graph = Dsl(SimulatorVsReferenceTests.Cases["conv_many_channels_tiles"]);
        var (optimized, plan) = Lower(graph);
        var numerics = new PlanNumerics(KernelPrecision.Fp16, WeightEncoding.Sparse24);
        var encoded = WithNumerics(plan, optimized, numerics);
        var halfWeights = optimized.Weights.Items.Aggregate(optimized.Weights,
            (table, w) => table.With(w.Key, new HostTensor(w.Value.Shape, w.Value.Data.Select(v => (float)(Half)v).ToArray())));
        var reference = optimized with { Weights = DecodedWeights(encoded, halfWeights, WeightEncoding.Sparse24, _ => { }) };
        var inputs = RandomInputs(graph, seed: 5);
        var expected = ReferenceExecutor.Run(reference, inputs)["y"];
        var actual = PlanSimulator.Run(encoded, optimized.Weights.Items, inputs)["y"];
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
        var (optimized, plan) = Lower(graph);
        var encoded = WithNumerics(plan, optimized, new PlanNumerics(KernelPrecision.Fp32, encoding));
        long zeroWeights = 0;
        DecodedWeights(encoded, optimized.Weights, encoding, decoded => zeroWeights += decoded.Count(v => v == 0));
        var x = Random([1, 8, 9, 9], new Random(3));
        Assert.DoesNotContain(0f, x.Data);

        var layer = Assert.Single(PlanSimulator.Simulate(encoded, optimized.Weights.Items,
            new Dictionary<string, HostTensor> { ["x"] = x }, AcceleratorPresets.Dlac).Report.Layers);
        Assert.Equal(0, layer.ZeroActivationOnlyMacs + layer.ZeroBothMacs);
        Assert.Equal(zeroWeights * 49, layer.ZeroWeightOnlyMacs);
        if (encoding == WeightEncoding.Sparse24) Assert.Equal(layer.Macs / 2, layer.ZeroWeightOnlyMacs); // K = 72: 2 of every 4 go
        Assert.True(zeroWeights > 0);
    }

    private static bool HasEncodableKernel(string name)
    {
        var (optimized, plan) = Lower(Dsl(SimulatorVsReferenceTests.Cases[name]));
        return plan.Kernels.Any(k => IsEncodable(plan, k));
    }

    private static bool IsEncodable(KernelPlan plan, PlanKernel kernel) =>
        kernel.Spec is ConvSpec or GemmSpec && plan.Storage(kernel.Args[PlanKernel.EncodedWeightArg]).Kind == ValueKind.Weight;

    /// <summary>The plan with <paramref name="numerics"/> on every conv and GEMM kernel whose weight operand is a weight.</summary>
    private static KernelPlan WithNumerics(KernelPlan plan, Graph optimized, PlanNumerics numerics)
    {
        var kernels = plan.Kernels.Select(k => IsEncodable(plan, k) ? k with { Numerics = numerics } : k).ToEquatableArray();
        Assert.Contains(kernels, k => k.Numerics == numerics);
        return plan with { Kernels = kernels };
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
