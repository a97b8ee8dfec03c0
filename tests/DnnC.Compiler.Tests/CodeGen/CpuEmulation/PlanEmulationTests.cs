using DnnC.Compiler.Build;
using DnnC.Compiler.CodeGen;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Lowering;
using DnnC.Compiler.Reference;
using DnnC.Runtime.Targets;
using DnnC.Compiler.Tests.TestSupport;
using DnnC.Runtime;
using Xunit.Abstractions;

namespace DnnC.Compiler.Tests.CodeGen.CpuEmulation;

/// <summary>
/// The whole compiler, end to end, without a GPU: optimize, lower, emit kernels.cu, run it through
/// the CPU emulation of CUDA, and compare every output with the float64 reference executor on the
/// unoptimized graph, on fresh random inputs.
/// </summary>
public sealed class PlanEmulationTests(ITestOutputHelper output)
{
    public static TheoryData<string> Examples() => new(RepoFiles.ExampleNames());

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_plan_matches_the_reference_executor(string name)
    {
        if (!CpuKernelLibrary.CompilerAvailable(out string reason)) { output.WriteLine("skipped: " + reason); return; }
        // The FP32 plan, whatever the example's compile section asks: the CUDA templates emit FP32 kernels only.
        var graph = BuildPipeline.Load(RepoFiles.Example(name), new CompileOverrides(Precision: Precision.Fp32), new DiagnosticBag());
        AssertPlanMatchesReference(graph, seed: name.Length);
    }

    [Fact]
    public void Code_built_resnet_block_plan_matches_the_reference_executor()
    {
        if (!CpuKernelLibrary.CompilerAvailable(out string reason)) { output.WriteLine("skipped: " + reason); return; }
        AssertPlanMatchesReference(Graphs.ResNetBlock(channels: 12, size: 9), seed: 5);
    }

    [Fact]
    public void Kernels_that_share_one_function_each_compute_with_their_own_buffers()
    {
        if (!CpuKernelLibrary.CompilerAvailable(out string reason)) { output.WriteLine("skipped: " + reason); return; }
        // Three identical conv-bn-relu layers: one function, launched three times on different buffers and weights.
        var rng = new Rng(9);
        var g = new GraphBuilder("Repeated");
        string v = g.Input("x", TensorType.F32(1, 6, 7, 7));
        for (int i = 0; i < 3; i++)
            v = Graphs.Relu(g, $"r{i}", Graphs.BatchNorm(g, rng, $"bn{i}", Graphs.Conv(g, rng, $"conv{i}", v, 6, 3, pad: 1)));
        g.Output("y", v);
        var graph = g.Build();
        var (optimized, _) = BuildPipeline.Optimize(graph);
        var plan = PlanLowering.Lower(optimized, GpuTarget.H100, new DiagnosticBag());
        Assert.Equal(3, plan.Kernels.Count);
        Assert.Equal([null, plan.Kernels[0].Name, plan.Kernels[0].Name], plan.Kernels.Select(k => k.CodeOf));
        Assert.Equal(1, CudaEmitter.Emit(plan).Split("__global__").Length - 1);
        AssertPlanMatchesReference(graph, seed: 9);
    }

    private void AssertPlanMatchesReference(Graph graph, int seed)
    {
        var (optimized, _) = BuildPipeline.Optimize(graph);
        var plan = PlanLowering.Lower(optimized, GpuTarget.H100, new DiagnosticBag());
        using var library = CpuKernelLibrary.Build(CudaEmitter.Emit(plan));

        for (int trial = 0; trial < 2; trial++)
        {
            var rng = new Rng(seed * 100 + trial);
            var inputs = graph.Inputs.ToDictionary(i => i.Name, i => rng.Tensor(i.Type.Dims));
            var expected = ReferenceExecutor.Run(graph, inputs);
            var actual = PlanEmulator.Run(plan, library, optimized.Weights, inputs);
            foreach (var o in graph.Outputs)
            {
                output.WriteLine($"{graph.Name}.{o.Name}: relative L2 error {Compare.RelativeL2(expected[o.Name], actual[o.Name]):E2}");
                // ONNX's rtol, with an atol that admits float32 reordering of sums that cancel to ~0.
                Compare.Close(expected[o.Name], actual[o.Name], rtol: 1e-3, atol: 1e-5);
            }
        }
    }
}
