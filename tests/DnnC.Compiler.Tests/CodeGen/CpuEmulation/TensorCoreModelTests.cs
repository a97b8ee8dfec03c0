using DnnC.Compiler.Build;
using DnnC.Compiler.CodeGen;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Reference;
using DnnC.Compiler.Tests.TestSupport;
using DnnC.Runtime;
using DnnC.Runtime.Plan;
using DnnC.Simulator;
using Xunit.Abstractions;

namespace DnnC.Compiler.Tests.CodeGen.CpuEmulation;

/// <summary>
/// The real models built with <c>--precision fp16</c> and <c>tf32</c>, as <c>dnnc build</c> lowers them: the PaddleOCR
/// direction classifier (real weights) through the g++ twin of kernels.cu, the simulator and the float64 reference, and
/// the light architectures (ResNet-50, VGG-19, AlexNet, SqueezeNet: constant weights, so their activations grow until
/// the precision pass keeps the late layers FP32) through the simulator and the reference. Fresh random inputs; the
/// contract is 1e-2 relative L2 against the reference and, for the classifier, the same top-1 class.
/// </summary>
public sealed class TensorCoreModelTests(ITestOutputHelper output)
{
    private static string Shared => Path.GetFullPath(Path.Combine(RepoFiles.Root, "..", "shared"));

    [Theory]
    [InlineData(Precision.Fp16)]
    [InlineData(Precision.Tf32)]
    public void PaddleOcr_classifier_keeps_its_answers_on_tensor_cores(Precision precision)
    {
        var shapes = new Dictionary<string, int[]> { ["x"] = [1, 3, 48, 192] };
        var (graph, lowered) = Build(Path.Combine(Shared, "models", "ppocr_mobile_v2_cls.onnx"), precision, shapes);
        bool twin = CpuKernelLibrary.CompilerAvailable(out string reason);
        if (!twin) output.WriteLine("twin skipped: " + reason);
        using var library = twin ? CpuKernelLibrary.Build(CudaEmitter.Emit(lowered.Plan)) : null;
        for (int trial = 0; trial < 2; trial++)
        {
            var inputs = new Dictionary<string, HostTensor> { ["x"] = new Rng(40 + trial).Tensor(1, 3, 48, 192) };
            var expected = ReferenceExecutor.Run(graph, inputs)[graph.Outputs[0].Name];
            var simulated = PlanSimulator.Run(lowered.Plan, lowered.Weights, inputs)[graph.Outputs[0].Name];
            AssertWithinContract("simulator", expected, simulated, topOne: true);
            if (library is null) continue;
            var emulated = PlanEmulator.Run(lowered.Plan, library, lowered.Optimized.Weights, inputs)[graph.Outputs[0].Name];
            AssertWithinContract("twin", expected, emulated, topOne: true);
            Assert.InRange(Compare.RelativeL2(simulated, emulated), 0, 2e-3);
            Assert.Equal(0, library.TwinErrors());
        }
    }

    public static TheoryData<string> LightModels() => new() { "bvlc_alexnet", "resnet50", "squeezenet", "vgg19" };

    [Theory]
    [MemberData(nameof(LightModels))]
    public void Light_model_in_fp16_stays_within_the_contract_on_the_simulator(string name)
    {
        var (graph, lowered) = Build(Path.Combine(Shared, "onnx", "light", $"light_{name}.onnx"), Precision.Fp16, new Dictionary<string, int[]>());
        var input = graph.Inputs.Single();
        var inputs = new Dictionary<string, HostTensor> { [input.Name] = new Rng(name.Length).Tensor(input.Type.Dims) };
        var expected = ReferenceExecutor.Run(graph, inputs)[graph.Outputs[0].Name];
        var simulated = PlanSimulator.Run(lowered.Plan, lowered.Weights, inputs)[graph.Outputs[0].Name];
        AssertWithinContract(name, expected, simulated, topOne: false);
    }

    private (Graph Graph, LoweredModel Lowered) Build(string path, Precision precision, Dictionary<string, int[]> shapes)
    {
        var diagnostics = new DiagnosticBag();
        var graph = BuildPipeline.Load(path, new CompileOverrides(Precision: precision), diagnostics, shapes);
        var lowered = BuildPipeline.Lower(graph, diagnostics);
        var math = precision == Precision.Fp16 ? MathMode.Fp16TensorCore : MathMode.Tf32TensorCore;
        int tensorCore = lowered.Plan.Kernels.Count(k => k.Numerics.Math == math);
        output.WriteLine($"{Path.GetFileName(path)} {precision}: {tensorCore} of {lowered.Plan.Kernels.Count} kernels on tensor cores");
        Assert.True(tensorCore > 0);
        return (graph, lowered);
    }

    private void AssertWithinContract(string what, HostTensor expected, HostTensor actual, bool topOne)
    {
        double error = Compare.RelativeL2(expected, actual);
        output.WriteLine($"  {what}: relative L2 {error:E2}");
        Assert.InRange(error, 0, 1e-2);
        if (topOne) Assert.Equal(ArgMax(expected.Data), ArgMax(actual.Data));
    }

    private static int ArgMax(float[] values) => Array.IndexOf(values, values.Max());
}
