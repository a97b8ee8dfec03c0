using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Runtime.Targets;
using DnnC.Runtime;
using DnnC.Runtime.Cuda;

namespace DnnC.Cli;

/// <summary>
/// <c>run --backend cuda</c>: the build's own steps (optimize, lower, emit, NVRTC through the
/// compile cache) for the GPU's architecture, then the model loaded with <see cref="CudaModel"/>.
/// Every way CUDA can be unusable ends as a diagnostic, never as a DllNotFoundException.
/// </summary>
public static class CudaBackend
{
    /// <summary>Opens GPU 0, or says in words why CUDA cannot be used here. A run that <paramref name="compiles"/> needs NVRTC too;
    /// a build package's run loads its cubins (or PTX) and needs only the driver.</summary>
    public static bool TryOpen(out CudaDevice? device, out string reason, bool compiles = true)
    {
        device = null;
        if (!CudaDevice.TryOpen(0, out var opened, out reason)) return false;
        if (compiles && !Nvrtc.IsAvailable(out string nvrtc))
        {
            opened!.Dispose();
            reason = $"a GPU is present but NVRTC is not: {nvrtc}";
            return false;
        }
        device = opened;
        return true;
    }

    /// <summary>Opens GPU 0 or ends the command with DNN8001 (no driver) or DNN5001 (no NVRTC).</summary>
    public static CudaDevice Open(bool compiles = true)
    {
        if (!CudaDevice.TryOpen(0, out var device, out string reason))
            throw new CompilationFailedException([Diag.CudaUnavailable(reason)]);
        if (compiles && !Nvrtc.IsAvailable(out string nvrtc))
        {
            device!.Dispose();
            throw new CompilationFailedException([Diag.NvrtcUnavailable(nvrtc)]);
        }
        return device!;
    }

    /// <summary>
    /// The architecture to compile for: the GPU's own when DnnC supports it; for a newer GPU, the
    /// newest supported one, whose PTX the driver JIT-compiles. Older GPUs are refused.
    /// </summary>
    public static string CompileArch(CudaDeviceInfo device)
    {
        if (GpuTarget.SupportedArchs.Contains(device.Arch)) return device.Arch;
        int number = CudaLoadChecks.ArchNumber(device.Arch);
        var older = GpuTarget.SupportedArchs.Where(a => CudaLoadChecks.ArchNumber(a) <= number).ToList();
        if (older.Count == 0)
            throw new CompilationFailedException([Diag.GpuTooOld(device.Name, device.Arch, GpuTarget.SupportedArchs[0])]);
        return older.MaxBy(CudaLoadChecks.ArchNumber)!;
    }

    /// <summary>Builds <paramref name="source"/> for the device and loads it; the caller disposes the model.</summary>
    public static CudaModel Load(CudaDevice device, Graph source, bool useGraph, DiagnosticBag diagnostics)
    {
        string arch = CompileArch(device.Info);
        var forDevice = source with { Options = source.Options with { Targets = EquatableArray.Create(arch) } };
        var build = BuildPipeline.Build(forDevice, diagnostics);
        if (build.Binaries.Count == 0)
            throw new CompilationFailedException(build.Plan.Kernels.Where(k => !Compiler.CodeGen.KernelTemplates.Supports(k))
                .Select(k => Diag.NumericsNotEmitted(k.Name, k.Layers, k.Spec.Template, k.Numerics.ToString())).ToList());
        var binary = build.Binaries.Single();
        var cubins = new Dictionary<string, byte[]> { [binary.Arch] = binary.Cubin };
        var model = CudaModel.Load(device, build.Plan, cubins, binary.Ptx, build.Weights, useGraph, ptxArch: binary.Arch);
        Console.Error.WriteLine($"dnnc: cuda: {Describe(device.Info)}; loaded {model.Image}, {build.Plan.Kernels.Count} kernel(s), " +
                                $"arena {build.Plan.ActivationArenaBytes} bytes, {(useGraph ? "CUDA graph" : "one launch at a time")}");
        return model;
    }

    /// <summary>Loads a build package's plan with its own cubins (or its PTX on a newer GPU); nothing is compiled.</summary>
    public static CudaModel Load(CudaDevice device, Runtime.Package.PlanPackage package, bool useGraph)
    {
        if (!HasKernels(package))
            throw new CudaLoadException("this build has no CUDA kernels (some of its kernels' numerics have no CUDA template yet; the build said so, DNN5011); run it with --backend sim");
        var cubins = package.Cubins.ToDictionary(c => c.Arch, c => c.Image);
        // The plan whose kernels the loaded image holds: the device's own cubin, else the PTX (JIT-compiled).
        string loaded = cubins.ContainsKey(device.Info.Arch) ? device.Info.Arch : package.PtxArch ?? device.Info.Arch;
        var model = CudaModel.Load(device, package.PlanFor(loaded), cubins, package.Ptx, package.Weights, useGraph, ptxArch: package.PtxArch);
        Console.Error.WriteLine($"dnnc: cuda: {Describe(device.Info)}; loaded {model.Image} from the build, {package.Plan.Kernels.Count} kernel(s), " +
                                $"arena {package.Plan.ActivationArenaBytes} bytes, {(useGraph ? "CUDA graph" : "one launch at a time")}");
        return model;
    }

    /// <summary>Whether a build package holds CUDA kernels (a cubin or PTX) at all.</summary>
    public static bool HasKernels(Runtime.Package.PlanPackage package) => package.Cubins.Count > 0 || !string.IsNullOrEmpty(package.Ptx);

    public static string Describe(CudaDeviceInfo d) =>
        $"{d.Name} ({d.Arch}, {d.SmCount} SMs, driver {d.DriverText})";

    /// <summary>A CUDA driver error as the diagnostic the user sees: a graph replay's names the graph and suggests --no-graph.</summary>
    public static Diagnostic ToDiagnostic(CudaException e) =>
        e.Graph is { } graph
            ? Diag.CudaGraphReplayFailed(graph, e.Call, e.ErrorName, e.ErrorText)
            : Diag.CudaCallFailed(e.Call, e.ErrorName, e.ErrorText, e.Kernel, e.Layers);
}
