using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Reference;
using DnnC.Runtime;
using DnnC.Runtime.Cuda;

namespace DnnC.Gpu.Tests;

/// <summary>Real-GPU checks; skipped with the reason where no CUDA driver or GPU is present.</summary>
public class CudaModelGpuTests
{
    [GpuFact]
    public void Examples_on_the_GPU_match_the_reference_within_fp32_tolerance()
    {
        Assert.True(CudaDevice.TryOpen(0, out var device, out string reason), reason);
        using (device)
        {
            foreach (var name in new[] { "mlp", "resnet_block", "mobilenet_block", "shift_block", "cifar_resnet" })
            {
                // FP32, whatever the example's compile section asks (the FP16 and TF32 builds are CudaModelSimulatorGpuTests').
                var overrides = new CompileOverrides(Targets: new[] { device!.Info.Arch }, Precision: Precision.Fp32);
                var result = BuildPipeline.Build(RepoFiles.Example(name), overrides, new DiagnosticBag());
                var cubins = result.Binaries.ToDictionary(b => b.Arch, b => b.Cubin);
                var random = new Random(7);
                var inputs = result.Source.Inputs.ToDictionary(i => i.Name, i =>
                    new HostTensor(i.Type.Dims, Enumerable.Range(0, (int)i.Type.ElementCount).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()));
                var expected = ReferenceExecutor.Run(result.Source, inputs);
                foreach (bool graph in new[] { true, false })
                {
                    using var model = CudaModel.Load(device, result.Plan, cubins, null, result.Weights, useGraph: graph);
                    var actual = model.Run(inputs);
                    actual = model.Run(inputs); // the second run replays the captured graph
                    foreach (var o in result.Source.Outputs)
                    {
                        double num = 0, den = 0;
                        for (int i = 0; i < expected[o.Name].Length; i++)
                        {
                            num += Math.Pow(expected[o.Name].Data[i] - actual[o.Name].Data[i], 2);
                            den += Math.Pow(expected[o.Name].Data[i], 2);
                        }
                        Assert.True(Math.Sqrt(num / den) < 1e-4, $"{name}.{o.Name} (graph={graph}): relative L2 {Math.Sqrt(num / den):E2}");
                    }
                }
            }
        }
    }
}
