using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Runtime;
using DnnC.Runtime.Cuda;
using DnnC.Runtime.Plan;
using DnnC.Simulator;

namespace DnnC.Gpu.Tests;

/// <summary>
/// The GPU against the simulator on the same KernelPlan (DESIGN.md: within FP32 rounding of
/// reordering). Skipped with the reason where no CUDA driver or GPU is present.
/// </summary>
public class CudaModelSimulatorGpuTests
{
    private static Dictionary<string, HostTensor> RandomInputs(Graph graph, int seed)
    {
        var random = new Random(seed);
        return graph.Inputs.ToDictionary(i => i.Name, i =>
            new HostTensor(i.Type.Dims, Enumerable.Range(0, (int)i.Type.ElementCount).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()));
    }

    private static double RelativeL2(HostTensor actual, HostTensor expected)
    {
        double num = 0, den = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            num += Math.Pow((double)actual.Data[i] - expected.Data[i], 2);
            den += Math.Pow(expected.Data[i], 2);
        }
        return Math.Sqrt(num / den);
    }

    private static BuildResult BuildFor(CudaDevice device, string example, Precision precision = Precision.Fp32) =>
        // The precision asked for here, whatever the example's compile section says.
        BuildPipeline.Build(RepoFiles.Example(example), new CompileOverrides(Targets: new[] { device.Info.Arch }, Precision: precision), new DiagnosticBag());

    [GpuFact]
    public void Examples_on_the_GPU_match_the_simulator_on_the_same_plan() => ExamplesMatchTheSimulator(Precision.Fp32, 1e-4);

    /// <summary>The tensor-core kernels (mma.sync, ldmatrix, cp.async) on real tensor cores: the simulator computes the
    /// same FP16 or TF32 data, so only FP32 summation order (and the FP16 roundings it flips) may differ.</summary>
    [GpuFact]
    public void Fp16_tensor_core_examples_on_the_GPU_match_the_simulator() => ExamplesMatchTheSimulator(Precision.Fp16, 2e-3);

    [GpuFact]
    public void Tf32_tensor_core_examples_on_the_GPU_match_the_simulator() => ExamplesMatchTheSimulator(Precision.Tf32, 1e-4);

    private static void ExamplesMatchTheSimulator(Precision precision, double tolerance)
    {
        Assert.True(CudaDevice.TryOpen(0, out var device, out string reason), reason);
        using (device)
        {
            foreach (var name in new[] { "mlp", "resnet_block", "mobilenet_block", "shift_block", "cifar_resnet" })
            {
                var result = BuildFor(device!, name, precision);
                var inputs = RandomInputs(result.Source, 17);
                var simulated = PlanSimulator.Run(result.Plan, result.Weights, inputs);
                var cubins = result.Binaries.ToDictionary(b => b.Arch, b => b.Cubin);
                foreach (bool graph in new[] { true, false })
                {
                    using var model = CudaModel.Load(device!, result.Plan, cubins, null, result.Weights, useGraph: graph);
                    var first = model.Run(inputs);
                    var replayed = model.Run(inputs); // with a graph, the second run replays it
                    foreach (var output in result.Plan.Outputs)
                    {
                        double error = RelativeL2(replayed[output.Name], simulated[output.Name]);
                        Assert.True(error <= tolerance, $"{name}.{output.Name} {precision} (graph={graph}): relative L2 {error:E2} against the simulator");
                        Assert.Equal(first[output.Name].Data, replayed[output.Name].Data);
                    }
                }
            }
        }
    }

    [GpuFact]
    public void Ptx_jit_gives_the_same_outputs_as_the_cubin()
    {
        Assert.True(CudaDevice.TryOpen(0, out var device, out string reason), reason);
        using (device)
        {
            var result = BuildFor(device!, "resnet_block");
            var binary = result.Binaries.Single();
            var inputs = RandomInputs(result.Source, 5);
            using var fromCubin = CudaModel.Load(device!, result.Plan, new Dictionary<string, byte[]> { [binary.Arch] = binary.Cubin }, null, result.Weights);
            using var fromPtx = CudaModel.Load(device!, result.Plan, new Dictionary<string, byte[]>(), binary.Ptx, result.Weights, ptxArch: binary.Arch);
            Assert.StartsWith("PTX", fromPtx.Image);
            var a = fromCubin.Run(inputs);
            var b = fromPtx.Run(inputs);
            foreach (var output in result.Plan.Outputs)
                Assert.True(RelativeL2(b[output.Name], a[output.Name]) <= 1e-6, output.Name);
        }
    }

    [GpuFact]
    public void Timing_replays_give_positive_ordered_statistics()
    {
        Assert.True(CudaDevice.TryOpen(0, out var device, out string reason), reason);
        using (device)
        {
            var result = BuildFor(device!, "mlp");
            using var model = CudaModel.Load(device!, result.Plan, result.Binaries.ToDictionary(b => b.Arch, b => b.Cubin), null, result.Weights);
            model.Run(RandomInputs(result.Source, 3));
            var t = model.Time(warmup: 3, iterations: 20);
            Assert.Equal(20, t.Iterations);
            Assert.True(t.MinMs > 0 && t.MinMs <= t.MedianMs && t.MedianMs <= t.MaxMs, t.ToString());
        }
    }

    [GpuFact]
    public void A_plan_larger_than_free_memory_is_refused_before_allocating()
    {
        Assert.True(CudaDevice.TryOpen(0, out var device, out string reason), reason);
        using (device)
        {
            var result = BuildFor(device!, "mlp");
            var huge = result.Plan with { ActivationArenaBytes = device!.Info.TotalBytes * 2 };
            var e = Assert.Throws<CudaLoadException>(() =>
                CudaModel.Load(device, huge, result.Binaries.ToDictionary(b => b.Arch, b => b.Cubin), null, result.Weights));
            Assert.Contains("free", e.Message);
        }
    }
}
