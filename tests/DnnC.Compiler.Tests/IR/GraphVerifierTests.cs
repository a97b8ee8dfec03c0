using DnnC.Compiler.IR;
using DnnC.Compiler.Tests.TestSupport;
using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Tests.IR;

/// <summary>
/// The verifier runs after every pass; each rule here is shown catching a graph that breaks it
/// (a verifier that never fails would pass any pass), next to a graph it accepts.
/// </summary>
public class GraphVerifierTests
{
    /// <summary>x [1, 8, 6, 6] → conv 3x3 (8 → 16) → relu → y; its conv has K = 8·3·3 = 72.</summary>
    private static Graph ConvRelu(int inChannels = 8, int seed = 3)
    {
        var rng = new Rng(seed);
        var g = new GraphBuilder("ConvRelu");
        string x = g.Input("x", TensorType.F32(1, inChannels, 6, 6));
        string c = Graphs.Conv(g, rng, "c", x, 16, 3, pad: 1);
        g.Output("y", Graphs.Relu(g, "y", c));
        Assert.Empty(g.Diagnostics.Items);
        return g.Build();
    }

    private static Graph WithNode(Graph graph, string name, Func<Node, Node> change) =>
        graph with { Nodes = graph.Nodes.Select(n => n.Name == name ? change(n) : n).ToEquatableArray() };

    private static string SingleError(Graph graph) => Assert.Single(GraphVerifier.Verify(graph));

    [Fact]
    public void A_well_formed_graph_passes() => Assert.Empty(GraphVerifier.Verify(ConvRelu()));

    [Fact]
    public void A_duplicate_name_is_caught() =>
        Assert.Contains("duplicate value name 'y'", GraphVerifier.Verify(WithNode(ConvRelu(), "c", n => n with { Name = "y" })));

    [Fact]
    public void A_read_before_definition_is_caught()
    {
        var graph = ConvRelu();
        var reordered = graph with { Nodes = graph.Nodes.Reverse().ToEquatableArray() };
        Assert.Contains(GraphVerifier.Verify(reordered), e => e.Contains("before it is defined"));
    }

    [Fact]
    public void A_wrong_arity_is_caught() =>
        Assert.Contains(GraphVerifier.Verify(WithNode(ConvRelu(), "y", n => n with { Inputs = [] })), e => e.Contains("has 0 inputs, expected 1..1"));

    [Fact]
    public void A_type_that_inference_contradicts_is_caught() =>
        Assert.Equal("node 'y' is typed f32[1, 16, 6, 7] but infers f32[1, 16, 6, 6]",
            SingleError(WithNode(ConvRelu(), "y", n => n with { Type = TensorType.F32(1, 16, 6, 7) })));

    [Fact]
    public void A_constant_without_its_weight_is_caught()
    {
        var graph = ConvRelu();
        var withoutWeights = graph with { Weights = graph.Weights.Without(["c.weight"]) };
        Assert.Equal("constant 'c.weight' refers to missing weight 'c.weight'", SingleError(withoutWeights));
    }

    [Fact]
    public void A_constant_whose_weight_has_another_shape_is_caught()
    {
        var graph = ConvRelu();
        var resized = graph with { Weights = graph.Weights.With("c.weight", HostTensor.Zeros(16, 8, 3, 2)) };
        Assert.Contains("but weight 'c.weight' is [16, 8, 3, 2]", SingleError(resized));
    }

    [Fact]
    public void An_output_of_an_undefined_value_is_caught()
    {
        var graph = ConvRelu();
        var dangling = graph with { Outputs = [new GraphOutput("y", "nowhere")] };
        Assert.Equal("output 'y' refers to undefined value 'nowhere'", SingleError(dangling));
    }

    public static TheoryData<KernelPrecision, WeightEncoding, MathMode> LegalConvNumerics() => new()
    {
        { KernelPrecision.Fp16, WeightEncoding.Dense, MathMode.Fp16TensorCore },
        { KernelPrecision.Fp32, WeightEncoding.Dense, MathMode.Tf32TensorCore },
        { KernelPrecision.Fp16, WeightEncoding.Sparse24, MathMode.Fp16TensorCore },
        { KernelPrecision.Fp32, WeightEncoding.Ternary, MathMode.Fp32Simt },
    };

    [Theory]
    [MemberData(nameof(LegalConvNumerics))]
    public void Numerics_a_conv_can_honour_pass(KernelPrecision precision, WeightEncoding encoding, MathMode math)
    {
        var graph = WithNode(ConvRelu(), "c", n => n with { Numerics = new PlanNumerics(precision, encoding, math) });
        Assert.Empty(GraphVerifier.Verify(graph));
    }

    [Theory]
    [InlineData(WeightEncoding.Sparse24, MathMode.Fp32Simt, "has no weight operand to encode as Sparse24")]
    [InlineData(WeightEncoding.Ternary, MathMode.Fp32Simt, "has no weight operand to encode as Ternary")]
    [InlineData(WeightEncoding.Dense, MathMode.Fp16TensorCore, "has no matrix product for Fp16TensorCore; it accumulates in FP32 on CUDA cores")]
    public void An_encoding_or_tensor_core_math_outside_a_matrix_product_is_caught(WeightEncoding encoding, MathMode math, string expected)
    {
        var graph = WithNode(ConvRelu(), "y", n => n with { Numerics = new PlanNumerics(KernelPrecision.Fp32, encoding, math) });
        Assert.Equal($"node 'y' (relu) {expected}", SingleError(graph));
    }

    [Fact]
    public void Fp16_storage_alone_is_legal_anywhere() =>
        Assert.Empty(GraphVerifier.Verify(WithNode(ConvRelu(), "y", n => n with { Numerics = new PlanNumerics(KernelPrecision.Fp16) })));

    [Fact]
    public void Tf32_math_over_fp16_storage_is_caught() =>
        Assert.Equal("node 'c': TF32 math needs FP32 storage, not Fp16",
            SingleError(WithNode(ConvRelu(), "c", n => n with { Numerics = new PlanNumerics(KernelPrecision.Fp16, WeightEncoding.Dense, MathMode.Tf32TensorCore) })));

    [Fact]
    public void Two_four_sparsity_needs_k_divisible_by_four()
    {
        // 6 input channels: K = 6·3·3 = 54, not a multiple of 4.
        var graph = WithNode(ConvRelu(inChannels: 6), "c", n => n with { Numerics = new PlanNumerics(KernelPrecision.Fp16, WeightEncoding.Sparse24) });
        Assert.Equal("node 'c': 2:4 sparsity needs a reduction length divisible by 4, and K is 54", SingleError(graph));
    }

    [Fact]
    public void An_encoding_of_runtime_weights_is_caught()
    {
        // A matmul of two runtime inputs: B is data, not a weight that lowering can encode once.
        var g = new GraphBuilder("MatMul");
        string a = g.Input("a", TensorType.F32(4, 8));
        string b = g.Input("b", TensorType.F32(8, 5));
        g.Output("y", g.Add("y", new MatMulOp(EquatableArray<EpilogueStep>.Empty), [a, b])!);
        var graph = WithNode(g.Build(), "y", n => n with { Numerics = new PlanNumerics(KernelPrecision.Fp32, WeightEncoding.Ternary) });
        Assert.Equal("node 'y' encodes its weights as Ternary, but 'b' is not a constant", SingleError(graph));
    }

    [Fact]
    public void The_printer_shows_a_decision_and_lowering_carries_it_into_the_kernel()
    {
        var numerics = new PlanNumerics(KernelPrecision.Fp16, WeightEncoding.Dense, MathMode.Fp16TensorCore);
        var graph = WithNode(ConvRelu(), "c", n => n with { Numerics = numerics });
        Assert.Contains("numerics(FP16 storage, dense weights, FP16 tensor cores)", GraphPrinter.Print(graph));
        var plan = DnnC.Compiler.Lowering.PlanLowering.Lower(graph, DnnC.Runtime.Targets.GpuTarget.H100, new DnnC.Compiler.Diagnostics.DiagnosticBag());
        Assert.Contains(plan.Kernels, k => k.Layers.Contains("c") && k.Numerics == numerics);
        Assert.All(plan.Kernels.Where(k => !k.Layers.Contains("c")), k => Assert.True(k.Numerics.IsFp32Dense));
    }
}
