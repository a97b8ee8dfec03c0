using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Passes;
using DnnC.Compiler.Syntax;
using DnnC.Compiler.Text;
using DnnC.Runtime;
using DnnC.Runtime.Numerics;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Tests.Passes;

/// <summary>
/// The precision pass: each kernel's numerics from what was asked (layer annotation, then the model-wide setting) and
/// what the layer can take, with a report line per layer; calibration keeps overflowing layers FP32; weights FP16 cannot
/// hold are refused or, with --fp16-clamp, clamped and counted.
/// </summary>
public sealed class AssignPrecisionTests
{
    private const string Net = """
        model Net(x: f32[1, 8, 12, 12]) -> (y, z) {
          weights seed 3
          a = x |> conv2d(16, kernel: 3, pad: 1) |> batchnorm |> relu
          d = a |> depthwise_conv2d(kernel: 3, pad: 1) |> relu
          p = d |> maxpool(2)
          y = p |> flatten |> dense(10) |> softmax
          z = p |> global_avgpool
        }
        """;

    private static Graph Dsl(string text, Precision precision = Precision.Fp32, bool clamp = false)
    {
        var diagnostics = new DiagnosticBag();
        var graph = DslFrontend.Load(new SourceText("net.dnn", text), diagnostics);
        Assert.True(graph is not null, DiagnosticRenderer.RenderAll(diagnostics.Items));
        return graph! with { Options = graph!.Options with { Precision = precision, Fp16Clamp = clamp } };
    }

    private static Node Kernel(Graph graph, string mnemonicStart) => graph.Nodes.Single(n => n.Op.Mnemonic.StartsWith(mnemonicStart, StringComparison.Ordinal));

    [Fact]
    public void Fp16_puts_products_on_tensor_cores_and_other_layers_in_fp16_storage_with_fp32_math()
    {
        var (optimized, reports) = BuildPipeline.Optimize(Dsl(Net, Precision.Fp16));
        var conv = optimized.Nodes.First(n => n.Op is Conv2dOp { Groups: 1 });
        var depthwise = optimized.Nodes.Single(n => n.Op is Conv2dOp { Groups: > 1 });
        Assert.Equal(new PlanNumerics(KernelPrecision.Fp16, Math: MathMode.Fp16TensorCore), conv.Numerics);
        Assert.Equal(new PlanNumerics(KernelPrecision.Fp16), depthwise.Numerics);
        Assert.Equal(new PlanNumerics(KernelPrecision.Fp16, Math: MathMode.Fp16TensorCore), optimized.Nodes.Single(n => n.Op is DenseOp).Numerics);
        Assert.Equal(KernelPrecision.Fp16, optimized.Nodes.Single(n => n.Op is SoftmaxOp).Numerics.Precision);
        Assert.Equal(KernelPrecision.Fp16, optimized.Nodes.Single(n => n.Op is PoolOp).Numerics.Precision);

        var lines = reports.Layers.Where(l => l.Pass == "assign-precision").ToList();
        Assert.Equal(optimized.Nodes.Count(n => n.Op is not (ConstantOp or ReshapeOp or FlattenOp)), lines.Count);
        var convLine = lines.Single(l => l.Layer == conv.Name);
        Assert.Equal(("fp16", "FP16 storage, FP16 tensor cores, FP32 accumulation"), (convLine.Decision, convLine.Reason));
        Assert.InRange(Assert.Single(convLine.Metrics).Value, 1e-3, 1e3);   // measured on seeded calibration inputs
        Assert.Contains(reports.Passes, p => p.Pass == "assign-precision" && p.Summary.StartsWith("6 layer(s) FP16", StringComparison.Ordinal));
    }

    [Fact]
    public void Tf32_changes_only_the_products_math()
    {
        var (optimized, reports) = BuildPipeline.Optimize(Dsl(Net, Precision.Tf32));
        Assert.All(optimized.Nodes.Where(n => n.Op is DenseOp || n.Op is Conv2dOp { Groups: 1 }),
            n => Assert.Equal(new PlanNumerics(Math: MathMode.Tf32TensorCore), n.Numerics));
        Assert.All(optimized.Nodes.Where(n => n.Op is not (DenseOp or Conv2dOp { Groups: 1 })), n => Assert.True(n.Numerics.IsFp32Dense));
        Assert.Contains(reports.Layers, l => l.Decision == "fp32" && l.Reason.Contains("no matrix product"));
    }

    [Fact]
    public void A_layer_annotation_wins_over_the_model_setting()
    {
        var graph = Dsl("""
            model M(x: f32[1, 8, 6, 6]) -> (y) {
              weights seed 1
              a = x |> conv2d(8, kernel: 3, pad: 1) |> relu
              @fp16
              y = a |> conv2d(8, kernel: 1)
            }
            """);
        var (optimized, reports) = BuildPipeline.Optimize(graph);
        var convs = optimized.Nodes.Where(n => n.Op is Conv2dOp).ToList();
        Assert.True(convs[0].Numerics.IsFp32Dense);
        Assert.Equal(KernelPrecision.Fp16, convs[1].Numerics.Precision);
        Assert.Single(reports.Layers, l => l.Pass == "assign-precision");
    }

    [Fact]
    public void A_layer_whose_calibrated_activations_would_overflow_fp16_stays_fp32_and_says_why()
    {
        var graph = Dsl(Net, Precision.Fp16);
        // Inputs up to 4·10^4: FP16 holds them, but not with 2x headroom, and the first conv reads them.
        var random = new Random(5);
        var x = new HostTensor([1, 8, 12, 12], Enumerable.Range(0, 8 * 144).Select(_ => (float)(random.NextDouble() * 8e4 - 4e4)).ToArray());
        var context = new PassContext(graph.Options, calibration: new CalibrationSet([new Dictionary<string, HostTensor> { ["x"] = x }]));
        var optimized = new PassManager(DefaultPipeline.Create()).Run(graph, context);

        var conv = optimized.Nodes.First(n => n.Op is Conv2dOp { Groups: 1 });
        Assert.True(conv.Numerics.IsFp32Dense);
        var line = context.Layers.Single(l => l.Pass == "assign-precision" && l.Layer == conv.Name);
        Assert.Equal("fp32", line.Decision);
        Assert.Contains("largest value it reads or writes on the calibration inputs", line.Reason);
        Assert.True(line.Metrics[0].Value * AssignPrecision.Headroom > AssignPrecision.Fp16Max);
    }

    [Fact]
    public void A_weight_beyond_fp16_is_an_error_naming_the_layer_unless_clamped()
    {
        var graph = Dsl(Net, Precision.Fp16);
        var dense = graph.Nodes.Single(n => n.Op is DenseOp);
        string key = ((ConstantOp)graph.Producer(dense.Inputs[1])!.Op).Key;
        var w = graph.Weights[key];
        var big = (float[])w.Data.Clone();
        big[0] = 1e5f;
        big[7] = -7e4f;
        graph = graph with { Weights = graph.Weights.With(key, new HostTensor(w.Shape, big)) };

        var failure = Assert.Throws<CompilationFailedException>(() => BuildPipeline.Optimize(graph));
        var error = Assert.Single(failure.Diagnostics, d => d.IsError);
        Assert.Equal("DNN4006", error.Code);
        Assert.Contains("2 value(s)", error.Message);
        Assert.Contains("--fp16-clamp", error.Help);

        var (clamped, reports) = BuildPipeline.Optimize(graph with { Options = graph.Options with { Fp16Clamp = true } });
        var line = Assert.Single(reports.Layers, l => l.Decision == "clamped");
        Assert.Equal(2, line.Metrics.Single().Value);
        var clampedDense = clamped.Nodes.Single(n => n.Op is DenseOp);
        Assert.Equal(KernelPrecision.Fp16, clampedDense.Numerics.Precision);
        var stored = clamped.Weights[((ConstantOp)clamped.Producer(clampedDense.Inputs[1])!.Op).Key].Data;
        Assert.Equal((float)AssignPrecision.Fp16Max, stored.Max(Math.Abs));
    }

    [Fact]
    public void Fp16_on_a_cast_is_a_warning_and_the_cast_stays_fp32()
    {
        // The DSL has no casts; an imported model's Cast node, annotated as a DSL layer would be.
        var relu = Dsl("""
            model M(x: f32[1, 16]) -> (y) {
              y = x |> relu
            }
            """);
        var graph = relu with
        {
            Nodes = relu.Nodes.Select(n => n.Name == "y" ? n with { Op = new CastOp(ElementFormat.Int8), Options = new LayerOptions(Precision.Fp16) } : n).ToEquatableArray(),
        };
        var (optimized, reports) = BuildPipeline.Optimize(graph);
        Assert.True(optimized.Nodes.Single(n => n.Name == "y").Numerics.IsFp32Dense);
        var warning = Assert.Single(reports.Warnings!);
        Assert.Equal("DNN4007", warning.Code);
        Assert.Contains("stays FP32", warning.Message);
    }

    [Fact]
    public void Tf32_rounds_to_nearest_with_ties_away_from_zero()
    {
        Assert.Equal(1f, Tf32.Round(1f + MathF.Pow(2, -12)));
        Assert.Equal(1f + MathF.Pow(2, -10), Tf32.Round(1f + MathF.Pow(2, -11)));      // a tie: away from zero
        Assert.Equal(-(1f + MathF.Pow(2, -10)), Tf32.Round(-(1f + MathF.Pow(2, -11))));
        Assert.Equal(float.PositiveInfinity, Tf32.Round(float.PositiveInfinity));
        Assert.True(float.IsNaN(Tf32.Round(float.NaN)));
        var random = new Random(8);
        for (int i = 0; i < 1000; i++)
        {
            float v = (float)(random.NextDouble() * 200 - 100);
            float r = Tf32.Round(v);
            Assert.Equal(0u, BitConverter.SingleToUInt32Bits(r) & 0x1FFF);
            Assert.True(Math.Abs(r - v) <= Math.Abs(v) * Math.Pow(2, -11), $"{v} rounded to {r}");
        }
    }
}
