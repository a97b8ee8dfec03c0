using DnnC.Runtime.Plan;

namespace DnnC.Runtime.Cuda;

/// <summary>
/// A loaded model on one GPU: the module, one device arena (activations and inputs at the buffer
/// planner's offsets), the weights, and the launches. The first run launches every kernel one by
/// one, waiting for each (the eager pass), then captures the launches into a CUDA graph; later runs
/// replay it. <c>useGraph: false</c> always launches one by one, for debugging. Every public member
/// that calls the driver first makes the device's context current on the calling thread.
/// </summary>
public sealed unsafe class CudaModel : IDisposable
{
    private readonly CudaDevice _device;
    private readonly ICudaDriver _driver;
    private readonly KernelPlan _plan;
    private readonly nint _module;
    private readonly ulong _arena;
    private readonly ulong _weights;
    private readonly IReadOnlyList<KernelLaunch> _launches;
    private readonly Dictionary<string, nint> _functions;
    private readonly bool _useGraph;
    private CudaGraph? _graph;
    private bool _disposed;

    private CudaModel(CudaDevice device, KernelPlan plan, nint module, ulong arena, ulong weights,
        Dictionary<string, nint> functions, bool useGraph, string image)
    {
        _device = device;
        _driver = device.Driver;
        _plan = plan;
        _module = module;
        _arena = arena;
        _weights = weights;
        _functions = functions;
        _useGraph = useGraph;
        _launches = LaunchTranslation.Build(plan, new DeviceRegions(arena, weights));
        Image = image;
    }

    /// <summary>
    /// Loads the cubin built for the device's architecture, or JIT-compiles the PTX when only a
    /// newer GPU is present; checks that the arena fits in free device memory before allocating.
    /// The arena starts NaN-filled, as in the simulator, so a read of memory nobody wrote shows
    /// up in the outputs of both instead of as a silent difference between them.
    /// </summary>
    public static CudaModel Load(CudaDevice device, KernelPlan plan, IReadOnlyDictionary<string, byte[]> cubins, string? ptx,
        PlanWeights weights, bool useGraph = true, string? ptxArch = null)
    {
        device.MakeCurrent();
        CudaLoadChecks.CheckSupportedStorage(plan);
        if (weights.Length != plan.WeightBytes)
            throw new CudaLoadException($"the weight blob holds {weights.Length} bytes but the plan places {plan.WeightBytes}");
        var image = CudaLoadChecks.SelectImage(device.Info.Arch, cubins, ptx, ptxArch);
        CudaLoadChecks.CheckFits(plan.ActivationArenaBytes, plan.WeightBytes, device.FreeBytes(), device.Info.Name);
        var driver = device.Driver;
        nint module = 0;
        ulong arena = 0, blob = 0;
        try
        {
            // Each handle is kept only once its call succeeded: a failed call's out value is not ours to free.
            nint loaded;
            fixed (byte* p = image.Bytes) CudaCheck.Check(driver.ModuleLoadData(out loaded, p), $"cuModuleLoadData({image.Description})");
            module = loaded;
            var functions = Functions(driver, module, plan);
            long arenaBytes = Math.Max(256, plan.ActivationArenaBytes);
            CudaCheck.Check(driver.MemAlloc(out ulong arenaPointer, (nuint)arenaBytes), "cuMemAlloc(arena)");
            arena = arenaPointer;
            CudaCheck.Check(driver.MemsetD32(arena, QuietNaNBits, (nuint)(arenaBytes / sizeof(float))), "cuMemsetD32(arena)");
            CudaCheck.Check(driver.MemAlloc(out ulong blobPointer, (nuint)Math.Max(256, plan.WeightBytes)), "cuMemAlloc(weights)");
            blob = blobPointer;
            // The blob is uploaded as the build encoded it: one copy, every weight at its offset.
            fixed (byte* p = weights.Bytes)
                CudaCheck.Check(driver.MemcpyHtoD(blob, p, (nuint)weights.Length), "cuMemcpyHtoD(weights)");
            return new CudaModel(device, plan, module, arena, blob, functions, useGraph, image.Description);
        }
        catch
        {
            // Out of memory halfway, or a kernel missing from the module: give back what was taken.
            if (blob != 0) driver.MemFree(blob);
            if (arena != 0) driver.MemFree(arena);
            if (module != 0) driver.ModuleUnload(module);
            throw;
        }
    }

    /// <summary>Every kernel's function, resolved at load so that a missing one fails here and names its kernel.</summary>
    private static Dictionary<string, nint> Functions(ICudaDriver driver, nint module, KernelPlan plan)
    {
        var functions = new Dictionary<string, nint>();
        foreach (var kernel in plan.Kernels)
        {
            CudaCheck.Check(driver.ModuleGetFunction(out nint f, module, kernel.Function), "cuModuleGetFunction", kernel.Name);
            if (kernel.Launch.SharedBytes > 48 * 1024)
                CudaCheck.Check(driver.FuncSetAttribute(f, CudaDriverNative.MaxDynamicSharedSizeBytes, kernel.Launch.SharedBytes),
                    "cuFuncSetAttribute", kernel.Name);
            functions[kernel.Name] = f;
        }
        return functions;
    }

    /// <summary>The float32 quiet NaN the simulator fills its arena with.</summary>
    private const uint QuietNaNBits = 0x7FC0_0000;

    /// <summary>What was loaded: "cubin sm_90", or the PTX that was JIT-compiled.</summary>
    public string Image { get; }

    /// <summary>What a replay error names.</summary>
    private string GraphDescription => $"the CUDA graph of model {_plan.ModelName} ({_launches.Count} kernels)";

    public IReadOnlyDictionary<string, HostTensor> Run(IReadOnlyDictionary<string, HostTensor> inputs)
    {
        _device.MakeCurrent();
        foreach (int id in _plan.Inputs)
            Upload(_driver, _arena + (ulong)_plan.Value(id).ArenaOffset, inputs[_plan.Value(id).Name].Data);
        Execute();
        CheckWait(_driver.StreamSynchronize(_device.Stream), "cuStreamSynchronize");
        var outputs = new Dictionary<string, HostTensor>();
        foreach (var output in _plan.Outputs)
        {
            var value = _plan.Value(output.Value);
            // An output an FP16 kernel wrote is FP16 on the device: copied as stored, widened here.
            var stored = new byte[value.ElementCount * _plan.Storage(output.Value).ElementBytes];
            fixed (byte* p = stored)
                CudaCheck.Check(_driver.MemcpyDtoH(p, LaunchTranslation.AddressOf(_plan, output.Value, new(_arena, _weights)), (nuint)stored.Length),
                    "cuMemcpyDtoH(output)");
            outputs[output.Name] = new HostTensor(value.Shape.ToArray(), Numerics.StoredElements.ToFloats(_plan.Storage(output.Value).Format, stored));
        }
        return outputs;
    }

    /// <summary>
    /// Times the model (graph replays unless it launches one by one): <paramref name="warmup"/>
    /// untimed executions plus <see cref="TimingPlan.MinimumWarmupMs"/> of warm-up, then
    /// <paramref name="iterations"/> samples, each K executions between two CUDA events (see
    /// <see cref="ReplayTimer"/>).
    /// </summary>
    public CudaTiming Time(int warmup, int iterations)
    {
        if (iterations < 1) throw new ArgumentOutOfRangeException(nameof(iterations), "at least one timed iteration");
        if (warmup < 0) throw new ArgumentOutOfRangeException(nameof(warmup), "zero or more warm-up executions");
        _device.MakeCurrent();
        return new ReplayTimer(_driver, _device.Stream, Execute, CheckWait).Time(warmup, iterations);
    }

    private void Execute()
    {
        if (!_useGraph)
        {
            LaunchAll(synchronizeEach: true);
            return;
        }
        if (_graph is null)
        {
            // The eager pass: a kernel that faults does so here, named with its layers, and not
            // inside a replay that can only name the graph; and every function is loaded (lazy
            // module loading defers that to the first launch) before capture begins.
            LaunchAll(synchronizeEach: true);
            _graph = CudaGraph.Capture(_driver, _device.Stream, () => LaunchAll(synchronizeEach: false), GraphDescription);
        }
        _graph.Launch();
    }

    /// <summary>Checks a wait for executions: once a graph exists, what faulted is one of its replays.</summary>
    private void CheckWait(int result, string call)
    {
        if (_graph is not null) _graph.CheckWait(result, call);
        else CudaCheck.Check(result, call);
    }

    private void LaunchAll(bool synchronizeEach)
    {
        // Waiting for each kernel (no graph, and the eager pass) reports a fault against the kernel
        // and layers that caused it rather than at a later call.
        var launcher = new StreamLauncher(_driver, _device.Stream, _functions, synchronizeEach);
        foreach (var launch in _launches) launcher.Launch(launch);
    }

    private static void Upload(ICudaDriver driver, ulong destination, float[] data)
    {
        fixed (float* p = data)
            CudaCheck.Check(driver.MemcpyHtoD(destination, p, (nuint)(data.Length * sizeof(float))), "cuMemcpyHtoD");
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        // Best effort: release everything even when an earlier fault left the context broken.
        _driver.CtxSetCurrent(_device.Context);
        _graph?.Dispose();
        _driver.MemFree(_arena);
        _driver.MemFree(_weights);
        _driver.ModuleUnload(_module);
    }

    /// <summary>Issues launches on a stream with cuLaunchKernel.</summary>
    private sealed class StreamLauncher(ICudaDriver driver, nint stream, IReadOnlyDictionary<string, nint> functions, bool synchronizeEach) : IKernelLauncher
    {
        public void Launch(KernelLaunch launch)
        {
            using var args = new PackedArguments(launch.Arguments);
            CudaCheck.Check(driver.LaunchKernel(functions[launch.Kernel], launch.Config, stream, args.Pointers),
                "cuLaunchKernel", launch.Kernel, launch.Layers);
            if (synchronizeEach)
                CudaCheck.Check(driver.StreamSynchronize(stream), "cuStreamSynchronize", launch.Kernel, launch.Layers);
        }
    }
}
