using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Passes;

/// <summary>
/// The precision pass: decides each layer's numerics (<see cref="Node.Numerics"/>) from what the user asked for (the
/// layer's <c>@fp16</c>/<c>@fp32</c>, else <c>--precision</c>, else the <c>compile</c> section) and what the layer can
/// take, with one report line per layer saying what it got and why (REFERENCE.md §3):
/// <list type="bullet">
/// <item>fp16: FP16 storage with FP32 accumulation; conv (not depthwise), dense and matmul on FP16 tensor cores, every
/// other FP16 layer with FP32 math on CUDA cores. Casts, gathers, selects, reductions and data movement that may carry
/// integer data stay FP32. A layer whose largest activation on the calibration inputs comes within
/// <see cref="Headroom"/>× of FP16's largest value (65504) stays FP32, since real inputs may go beyond calibration
/// ones. A weight beyond ±65504 is an error naming the layer, unless <c>--fp16-clamp</c> clamps it (and says how
/// many values it clamped).</item>
/// <item>tf32: FP32 storage; conv, dense and matmul multiply TF32-rounded operands on tensor cores (PyTorch's default
/// for convolutions); everything else is FP32.</item>
/// </list>
/// It runs after batchnorm folding (which is done in float64 on FP32 weights) and after fusion, so each decision is
/// a kernel's.
/// </summary>
public sealed class AssignPrecision : IPass
{
    public const double Fp16Max = 65504;
    public const double Headroom = 2;

    /// <summary>Seeded input sets drawn for calibration when the build is given none.</summary>
    public const int SeededCalibrationSets = 1;

    public string Name => "assign-precision";
    public GraphFacts Requires => GraphFacts.NoBatchNorm;
    public GraphFacts Establishes => GraphFacts.None;

    public Graph Run(Graph graph, PassContext context)
    {
        var wanted = graph.Nodes.Where(IsKernel).ToDictionary(n => n.Name, n => context.Options.For(n.Options).Precision);
        if (wanted.Values.All(p => p == Precision.Fp32)) return graph;

        var editor = new GraphEditor(graph);
        // Largest activations of the FP32 graph: measured only when some layer asks for FP16.
        IReadOnlyDictionary<string, double>? largest = null;
        if (wanted.Values.Contains(Precision.Fp16))
        {
            var calibration = context.Calibration ?? CalibrationSet.FromFiles(graph, context.Options.CalibrationFiles, context.Diagnostics);
            if (context.Diagnostics.HasErrors) return graph;   // the pass manager reports the files' problems
            largest = (calibration ?? CalibrationSet.Seeded(graph, SeededCalibrationSets, seed: 0)).LargestMagnitudes(graph);
            context.Report(Name, calibration is null
                ? "calibration: one seeded input set (pass --calibrate FILE for real data)"
                : $"calibration: {calibration.Inputs.Count} input set(s) from --calibrate");
        }

        int fp16 = 0, tf32 = 0, stayed = 0;
        foreach (var node in graph.Nodes.Where(IsKernel))
        {
            var precision = wanted[node.Name];
            if (precision == Precision.Fp32) continue;
            bool matrix = IsTensorCoreProduct(graph, node);
            if (precision == Precision.Tf32)
            {
                if (!matrix)
                {
                    context.Layer(Name, node.Name, "fp32", $"{node.Op.Mnemonic} has no matrix product for TF32 tensor cores");
                    continue;
                }
                editor.Replace(node, node with { Numerics = new PlanNumerics(Math: MathMode.Tf32TensorCore) });
                context.Layer(Name, node.Name, "tf32", "FP32 storage, TF32 tensor cores, FP32 accumulation");
                tf32++;
                continue;
            }
            // What it writes and what it reads: an FP16 kernel rounds the activations it loads, graph inputs included.
            double max = node.Inputs.Where(i => editor.Producer(i)?.Op is not ConstantOp).Append(node.Name)
                .Max(v => largest!.GetValueOrDefault(v));
            var magnitude = new LayerMetric("largestActivation", max);
            if (Fp32Only(node) is { } why)
            {
                if (node.Options.Precision == Precision.Fp16) context.Diagnostics.Add(Diag.Fp16AnnotationIgnored(node.Location, node.Name, why));
                context.Layer(Name, node.Name, "fp32", why, magnitude);
                stayed++;
                continue;
            }
            if (!(max * Headroom <= Fp16Max))
            {
                context.Layer(Name, node.Name, "fp32",
                    $"the largest value it reads or writes on the calibration inputs, {max:G6}, is within {Headroom}x of FP16's largest value {Fp16Max}", magnitude);
                stayed++;
                continue;
            }
            if (!WeightsFitFp16(editor, node, context)) continue;
            editor.Replace(editor.Producer(node.Name)!, editor.Producer(node.Name)! with
            {
                Numerics = new PlanNumerics(KernelPrecision.Fp16, Math: matrix ? MathMode.Fp16TensorCore : MathMode.Fp32Simt),
            });
            context.Layer(Name, node.Name, "fp16",
                matrix ? "FP16 storage, FP16 tensor cores, FP32 accumulation" : "FP16 storage, FP32 math and accumulation", magnitude);
            fp16++;
        }
        context.Report(Name, $"{fp16} layer(s) FP16, {tf32} TF32, {stayed} kept FP32 (see layers)");
        return editor.Build();
    }

    /// <summary>Nodes that become kernels: everything but constants and the reshapes that alias their input.</summary>
    private static bool IsKernel(Node node) => node.Op is not (ConstantOp or ReshapeOp or FlattenOp);

    /// <summary>Conv (not depthwise), dense and matmul: the products tensor cores compute.</summary>
    private static bool IsTensorCoreProduct(Graph graph, Node node) => node.Op switch
    {
        Conv2dOp c => !(c.Groups > 1 && (graph.Producer(node.Inputs[0])?.Type ?? graph.Inputs.First(i => i.Name == node.Inputs[0]).Type)[1] == c.Groups),
        DenseOp or MatMulOp => true,
        _ => false,
    };

    /// <summary>Why a layer cannot store FP16, or null when it can.</summary>
    private static string? Fp32Only(Node node)
    {
        var steps = node.Op switch
        {
            Conv2dOp c => c.Epilogue,
            DenseOp d => d.Epilogue,
            MatMulOp m => m.Epilogue,
            PointwiseOp p => p.Steps,
            _ => EquatableArray<EpilogueStep>.Empty,
        };
        if (steps.Any(s => s is CastStep)) return "it casts, and a cast's result is exact only in FP32";
        return node.Op switch
        {
            Conv2dOp or DenseOp or MatMulOp or ConvTransposeOp or ActivationOp or BinaryOp or PointwiseOp or UnaryMathOp or MathBinaryOp
                or PoolOp or GlobalPoolOp or DilatedPoolOp or SoftmaxOp or LogSoftmaxOp or LayerNormOp or InstanceNormOp or LrnOp
                or ConcatOp or TransposeOp or ResizeOp or PadOp or ShiftOp => null,
            CastOp => "it casts, and a cast's result is exact only in FP32",
            GatherOp or WhereOp => $"{node.Op.Mnemonic} reads indices or conditions, which FP16 would not hold exactly",
            ReduceOp => "reductions keep FP32 storage (sums and products outgrow FP16)",
            _ => $"{node.Op.Mnemonic} may carry integer data, which FP16 holds exactly only up to 2048",
        };
    }

    /// <summary>Every constant input of an FP16 layer must fit FP16; with --fp16-clamp, those that do not are clamped.</summary>
    private bool WeightsFitFp16(GraphEditor editor, Node node, PassContext context)
    {
        foreach (var input in node.Inputs)
        {
            if (editor.Producer(input) is not { Op: ConstantOp constant } producer) continue;
            var weights = editor.ConstantValue(input)!;
            int beyond = weights.Data.Count(v => Math.Abs(v) > Fp16Max);
            if (beyond == 0) continue;
            if (!context.Options.Fp16Clamp)
            {
                context.Diagnostics.Add(Diag.WeightBeyondFp16(node.Location, node.Name, input, beyond, weights.Data.Max(v => Math.Abs(v))));
                return false;
            }
            var clamped = weights.Data.Select(v => (float)Math.Clamp(v, -Fp16Max, Fp16Max)).ToArray();
            editor.ReplaceConstant(producer, new HostTensor(weights.Shape, clamped), constant.Key + "_fp16_clamped");
            context.Layer(Name, node.Name, "clamped", $"{beyond} value(s) of weight '{input}' clamped to ±{Fp16Max} (--fp16-clamp)",
                new LayerMetric("clampedValues", beyond));
        }
        return true;
    }
}
