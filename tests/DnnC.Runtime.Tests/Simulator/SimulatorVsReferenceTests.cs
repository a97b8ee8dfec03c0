using DnnC.Runtime.Encoders;
using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Reference;
using DnnC.Runtime.Plan;
using DnnC.Simulator;
using DnnC.Tests.Shared;
using static DnnC.Runtime.Tests.Simulator.SimTestSupport;

namespace DnnC.Runtime.Tests.Simulator;

/// <summary>
/// The simulator runs the optimized, lowered plan; the reference executor runs the unoptimized graph
/// in float64. They must agree on fresh random inputs for every kernel template and its variants.
/// </summary>
public sealed class SimulatorVsReferenceTests
{
    /// <summary>Each case exercises a template (or a variant of one): name, then the model.</summary>
    public static readonly Dictionary<string, string> Cases = new()
    {
        ["conv3x3_bias_bn_relu_residual"] = """
            model M(x: f32[1, 8, 9, 9]) -> (y) {
              a = x |> conv2d(8, kernel: 3, pad: 1) |> batchnorm |> relu
              y = relu(a + x)
            }
            """,
        ["conv_strided_dilated_asymmetric_pad"] = """
            model M(x: f32[2, 5, 13, 11]) -> (y) {
              y = x |> conv2d(7, kernel: [3, 2], stride: [2, 1], pad: [1, 0, 2, 1], dilation: [2, 1]) |> sigmoid
            }
            """,
        // Output column 14 of row 14 starts an NR strip whose tap (2, 2) lies wholly right of the last input row.
        ["conv_dilated_padding_past_the_last_row"] = """
            model M(x: f32[1, 3, 17, 15]) -> (y) {
              y = x |> conv2d(4, kernel: 3, pad: 2, dilation: 2)
            }
            """,
        ["conv_grouped"] = """
            model M(x: f32[1, 8, 7, 7]) -> (y) {
              y = x |> conv2d(12, kernel: 3, pad: 1, groups: 2, bias: false) |> tanh
            }
            """,
        ["conv_many_channels_tiles"] = """
            model M(x: f32[1, 70, 20, 20]) -> (y) {
              y = x |> conv2d(130, kernel: 3, pad: 1, stride: 1) |> relu6
            }
            """,
        ["conv_large_enough_for_several_packing_waves"] = """
            model M(x: f32[1, 128, 100, 100]) -> (y) {
              y = x |> conv2d(8, kernel: 3, pad: 1)
            }
            """,
        ["depthwise_strided_relu6"] = """
            model M(x: f32[1, 6, 11, 10]) -> (y) {
              y = x |> depthwise_conv2d(kernel: 3, stride: 2, pad: 1) |> relu6
            }
            """,
        ["depthwise_dilated_no_bias"] = """
            model M(x: f32[2, 4, 9, 9]) -> (y) {
              y = x |> depthwise_conv2d(kernel: 3, pad: 2, dilation: 2, bias: false) |> hardswish
            }
            """,
        ["depthwise_multiplier_via_groups"] = """
            model M(x: f32[1, 4, 6, 6]) -> (y) {
              y = x |> conv2d(8, kernel: 3, pad: 1, groups: 4)
            }
            """,
        ["shift_folded_and_standalone"] = """
            model M(x: f32[1, 18, 6, 7]) -> (y, z) {
              e = x |> conv2d(18, kernel: 1, bias: false) |> relu
              y = e |> shift(kernel: 3) |> conv2d(10, kernel: 1) |> relu
              z = x |> shift(kernel: 3) |> relu
            }
            """,
        ["dense_bias_gelu_3d"] = """
            model M(x: f32[2, 5, 24]) -> (y) {
              y = x |> dense(19) |> gelu
            }
            """,
        ["matmul_broadcast_batch"] = """
            model M(a: f32[3, 4, 5], b: f32[5, 6]) -> (y) {
              y = matmul(a, b) |> leaky_relu(alpha: 0.1)
            }
            """,
        ["matmul_full_batch_then_transpose"] = """
            model M(a: f32[2, 3, 4, 5], b: f32[2, 3, 5, 6]) -> (y) {
              y = matmul(a, b) |> transpose(perm: [0, 3, 1, 2])
            }
            """,
        ["pools"] = """
            model M(x: f32[1, 3, 10, 9]) -> (a, b, c, d, e) {
              a = x |> maxpool(kernel: 3, stride: 2, pad: 1)
              b = x |> avgpool(kernel: 3, stride: 2, pad: 1, count_include_pad: true)
              c = x |> avgpool(kernel: [2, 3], stride: [1, 2], pad: 1)
              d = x |> global_avgpool
              e = x |> global_maxpool
            }
            """,
        ["pointwise_chain_broadcast"] = """
            model M(x: f32[2, 4, 5, 3], s: f32[4, 1, 1], r: f32[3]) -> (y, z) {
              y = hardsigmoid(x * s + r) |> clip(min: 0.1, max: 0.7)
              z = (1 - x) / (x * x + 2) - r
            }
            """,
        ["softmax_axes"] = """
            model M(x: f32[2, 5, 3, 4]) -> (a, b) {
              a = x |> softmax(axis: 1)
              b = x |> softmax
            }
            """,
        ["concat_axes"] = """
            model M(x: f32[1, 2, 4, 3], y: f32[1, 5, 4, 3], z: f32[1, 1, 4, 3]) -> (a, b) {
              a = concat(x, y, z, axis: 1)
              b = concat(x, x, axis: 3) |> relu
            }
            """,
        ["flatten_dense_softmax"] = """
            model M(x: f32[1, 4, 3, 3]) -> (p) {
              f = x |> global_avgpool |> flatten
              g = x |> flatten |> dense(6)
              p = concat(f, g, axis: 1) |> dense(5, bias: false) |> softmax
            }
            """,
    };

    public static TheoryData<string> CaseNames() => new(Cases.Keys);

    public static TheoryData<string> Examples() => new(ExampleFiles().Select(Path.GetFileNameWithoutExtension)!);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Every_template_matches_the_reference(string name) => AssertMatches(Dsl(Cases[name]), name);

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_matches_the_reference(string name)
    {
        string file = ExampleFiles().Single(f => Path.GetFileNameWithoutExtension(f) == name);
        // The FP32 plan, whatever the example's compile section asks (PrecisionCliTests holds FP16 plans to theirs).
        var graph = BuildPipeline.Load(file, new CompileOverrides(Precision: Precision.Fp32), new DiagnosticBag());
        AssertMatches(graph, name);
    }

    [Fact]
    public void The_cases_cover_every_kernel_template()
    {
        var seen = Cases.Values.Select(Dsl).Concat(DataOpCases.All.Values.Select(make => make()))
            .SelectMany(graph => Lower(graph).Plan.Kernels.Select(k => k.Spec.GetType())).ToHashSet();
        seen.UnionWith(MathOpSimulatorTests.CoveredSpecTypes()); // ops the DSL cannot write
        var all = typeof(KernelSpec).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(KernelSpec)) && !t.IsAbstract);
        Assert.Empty(all.Where(t => !seen.Contains(t)).Select(t => t.Name));
        // Both conv algorithms too.
        var algorithms = Cases.Values.SelectMany(text => Lower(Dsl(text)).Plan.Kernels.Select(k => k.Spec))
            .OfType<ConvSpec>().Select(c => c.Algorithm).Distinct().Count();
        Assert.Equal(2, algorithms);
    }

    private static void AssertMatches(Graph graph, string name)
    {
        var (optimized, plan) = Lower(graph);
        for (int trial = 0; trial < 2; trial++)
        {
            var inputs = RandomInputs(graph, seed: name.Length * 31 + trial);
            var expected = ReferenceExecutor.Run(graph, inputs);
            var actual = PlanSimulator.Run(plan, WeightPacker.Pack(plan, optimized.Weights.Items), inputs);
            foreach (var output in graph.Outputs)
                AssertClose(expected[output.Name], actual[output.Name], rtol: 1e-4, atol: 1e-5, $"{name}.{output.Name} (trial {trial})");
        }
    }
}
