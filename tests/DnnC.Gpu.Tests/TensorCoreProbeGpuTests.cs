using DnnC.Compiler.CodeGen;
using DnnC.Runtime.Cuda;
using DnnC.Runtime.Targets;
using DnnC.TestCases;

namespace DnnC.Gpu.Tests;

/// <summary>
/// The tensor-core instruction probes on the hardware (PTX.md §8): the same kernels and fresh seeded inputs the CPU twin's
/// tests run, compiled by NVRTC for the GPU and held to the same expectations (CuTe's fragment layouts, plain products).
/// Where the GPU meets them, the twin's model of the instruction is the hardware's.
/// </summary>
public sealed class TensorCoreProbeGpuTests
{
    [GpuFact]
    public void Every_probe_meets_its_expectations_on_the_gpu()
    {
        Assert.True(CudaDevice.TryOpen(0, out var device, out string reason), reason);
        using (device)
        {
            // The GPU's own architecture when NVRTC knows it, else the newest it knows (the driver runs sm_90 cubins on sm_90 only,
            // so a newer GPU gets the PTX instead).
            string arch = GpuTarget.SupportedArchs.Contains(device!.Info.Arch) ? device.Info.Arch : "sm_90";
            var failures = new List<string>();
            foreach (var probe in TensorCoreProbes.All(2026))
            {
                var compiled = Nvrtc.Compile(TensorCoreHelpers.Source + probe.Source, arch, "probe.cu");
                byte[] image = arch == device.Info.Arch ? compiled.Cubin : System.Text.Encoding.UTF8.GetBytes(compiled.Ptx + "\0");
                var outputs = CudaKernelRunner.Run(device, image, probe.Kernel, probe.Launch.Launch, probe.Buffers);
                var errors = probe.Mismatches(outputs);
                if (errors.Count > 0) failures.Add($"{probe.Name}: {errors.Count} mismatches, first: {string.Join("; ", errors.Take(4))}");
            }
            Assert.True(failures.Count == 0, string.Join("\n", failures));
        }
    }
}
