using DnnC.Runtime.Plan;

namespace DnnC.Runtime.Cuda;

/// <summary>
/// A loaded model on one GPU: the module, one device arena (activations and inputs at the buffer
/// planner's offsets), the weights, and the launches. The first run captures the launches into a
/// CUDA graph and later runs replay it; <c>useGraph: false</c> launches one by one for debugging.
/// </summary>
public sealed unsafe class CudaModel : IDisposable
{
    private readonly CudaDevice _device;
    private readonly KernelPlan _plan;
    private readonly nint _module;
    private readonly ulong _arena;
    private readonly ulong _weights;
    private readonly IReadOnlyList<KernelLaunch> _launches;
    private readonly Dictionary<string, nint> _functions = new();
    private readonly bool _useGraph;
    private nint _graph, _graphExec;

    private CudaModel(CudaDevice device, KernelPlan plan, nint module, ulong arena, ulong weights, bool useGraph)
    {
        _device = device;
        _plan = plan;
        _module = module;
        _arena = arena;
        _weights = weights;
        _useGraph = useGraph;
        _launches = LaunchTranslation.Build(plan, new DeviceRegions(arena, weights));
        foreach (var kernel in plan.Kernels)
        {
            CudaCheck.Check(CudaDriverNative.ModuleGetFunction(out nint f, module, kernel.Function), "cuModuleGetFunction", kernel.Name);
            if (kernel.Launch.SharedBytes > 48 * 1024)
                CudaCheck.Check(CudaDriverNative.FuncSetAttribute(f, CudaDriverNative.MaxDynamicSharedSizeBytes, kernel.Launch.SharedBytes),
                    "cuFuncSetAttribute", kernel.Name);
            _functions[kernel.Name] = f;
        }
    }

    /// <summary>
    /// Loads the cubin built for the device's architecture, or JIT-compiles the PTX when only a
    /// newer GPU is present; checks that the arena fits in free device memory before allocating.
    /// The arena starts NaN-filled, as in the simulator, so a read of memory nobody wrote shows
    /// up in the outputs of both instead of as a silent difference between them.
    /// </summary>
    public static CudaModel Load(CudaDevice device, KernelPlan plan, IReadOnlyDictionary<string, byte[]> cubins, string? ptx,
        IReadOnlyDictionary<string, HostTensor> weights, bool useGraph = true, string? ptxArch = null)
    {
        var image = CudaLoadChecks.SelectImage(device.Info.Arch, cubins, ptx, ptxArch);
        CudaLoadChecks.CheckFits(plan.ActivationArenaBytes, plan.WeightBytes, device.FreeBytes(), device.Info.Name);

        nint module;
        fixed (byte* p = image.Bytes) CudaCheck.Check(CudaDriverNative.ModuleLoadData(out module, p), $"cuModuleLoadData({image.Description})");
        CudaCheck.Check(CudaDriverNative.MemAlloc(out ulong arena, (nuint)Math.Max(256, plan.ActivationArenaBytes)), "cuMemAlloc(arena)");
        CudaCheck.Check(CudaDriverNative.MemsetD32(arena, QuietNaNBits, (nuint)(Math.Max(256, plan.ActivationArenaBytes) / sizeof(float))), "cuMemsetD32(arena)");
        CudaCheck.Check(CudaDriverNative.MemAlloc(out ulong blob, (nuint)Math.Max(256, plan.WeightBytes)), "cuMemAlloc(weights)");
        foreach (var v in plan.Values.Where(v => v.Kind == ValueKind.Weight && v.AliasOf is null))
            Upload(blob + (ulong)v.WeightOffset, weights[v.WeightKey!].Data);
        return new CudaModel(device, plan, module, arena, blob, useGraph) { Image = image.Description };
    }

    /// <summary>The float32 quiet NaN the simulator fills its arena with.</summary>
    private const uint QuietNaNBits = 0x7FC0_0000;

    /// <summary>What was loaded: "cubin sm_90", or the PTX that was JIT-compiled.</summary>
    public string Image { get; private init; } = "";

    public IReadOnlyDictionary<string, HostTensor> Run(IReadOnlyDictionary<string, HostTensor> inputs)
    {
        foreach (int id in _plan.Inputs)
            Upload(_arena + (ulong)_plan.Value(id).ArenaOffset, inputs[_plan.Value(id).Name].Data);
        Execute();
        _device.Synchronize();
        var outputs = new Dictionary<string, HostTensor>();
        foreach (var output in _plan.Outputs)
        {
            var value = _plan.Value(output.Value);
            var data = new float[value.ElementCount];
            fixed (float* p = data)
                CudaCheck.Check(CudaDriverNative.MemcpyDtoH(p, LaunchTranslation.AddressOf(_plan, output.Value, new(_arena, _weights)), (nuint)(data.Length * sizeof(float))),
                    "cuMemcpyDtoH(output)");
            outputs[output.Name] = new HostTensor(value.Shape.ToArray(), data);
        }
        return outputs;
    }

    /// <summary>
    /// Times <paramref name="iterations"/> executions (graph replays unless the model launches one
    /// by one), each between two CUDA events, after <paramref name="warmup"/> untimed ones.
    /// </summary>
    public CudaTiming Time(int warmup, int iterations)
    {
        if (iterations < 1) throw new ArgumentOutOfRangeException(nameof(iterations), "at least one timed iteration");
        for (int i = 0; i < warmup; i++) Execute();
        CudaCheck.Check(CudaDriverNative.EventCreate(out nint start, 0), "cuEventCreate");
        CudaCheck.Check(CudaDriverNative.EventCreate(out nint end, 0), "cuEventCreate");
        try
        {
            var times = new double[iterations];
            for (int i = 0; i < iterations; i++)
            {
                CudaCheck.Check(CudaDriverNative.EventRecord(start, _device.Stream), "cuEventRecord");
                Execute();
                CudaCheck.Check(CudaDriverNative.EventRecord(end, _device.Stream), "cuEventRecord");
                CudaCheck.Check(CudaDriverNative.EventSynchronize(end), "cuEventSynchronize");
                CudaCheck.Check(CudaDriverNative.EventElapsedTime(out float ms, start, end), "cuEventElapsedTime");
                times[i] = ms;
            }
            return CudaTiming.FromSamples(warmup, times);
        }
        finally
        {
            CudaDriverNative.EventDestroy(start);
            CudaDriverNative.EventDestroy(end);
        }
    }

    private void Execute()
    {
        if (!_useGraph)
        {
            LaunchAll();
            return;
        }
        if (_graphExec == 0)
        {
            CudaCheck.Check(CudaDriverNative.StreamBeginCapture(_device.Stream, CudaDriverNative.CaptureModeThreadLocal), "cuStreamBeginCapture");
            LaunchAll();
            CudaCheck.Check(CudaDriverNative.StreamEndCapture(_device.Stream, out _graph), "cuStreamEndCapture");
            CudaCheck.Check(CudaDriverNative.GraphInstantiate(out _graphExec, _graph, 0), "cuGraphInstantiateWithFlags");
        }
        CudaCheck.Check(CudaDriverNative.GraphLaunch(_graphExec, _device.Stream), "cuGraphLaunch");
    }

    private void LaunchAll()
    {
        // One by one (no graph) is the debugging mode: wait for each kernel, so that a fault is
        // reported against the kernel and layers that caused it rather than at a later call.
        var launcher = new StreamLauncher(_device.Stream, _functions, synchronizeEach: !_useGraph);
        foreach (var launch in _launches) launcher.Launch(launch);
    }

    private static void Upload(ulong destination, float[] data)
    {
        fixed (float* p = data)
            CudaCheck.Check(CudaDriverNative.MemcpyHtoD(destination, p, (nuint)(data.Length * sizeof(float))), "cuMemcpyHtoD");
    }

    public void Dispose()
    {
        if (_graphExec != 0) CudaDriverNative.GraphExecDestroy(_graphExec);
        if (_graph != 0) CudaDriverNative.GraphDestroy(_graph);
        CudaDriverNative.MemFree(_arena);
        CudaDriverNative.MemFree(_weights);
        CudaDriverNative.ModuleUnload(_module);
    }

    /// <summary>Issues launches on a stream with cuLaunchKernel.</summary>
    private sealed class StreamLauncher(nint stream, IReadOnlyDictionary<string, nint> functions, bool synchronizeEach) : IKernelLauncher
    {
        public void Launch(KernelLaunch launch)
        {
            var c = launch.Config;
            using var args = new PackedArguments(launch.Arguments);
            CudaCheck.Check(CudaDriverNative.LaunchKernel(functions[launch.Kernel],
                (uint)c.GridX, (uint)c.GridY, (uint)c.GridZ, (uint)c.BlockX, (uint)c.BlockY, (uint)c.BlockZ,
                (uint)c.SharedBytes, stream, args.Pointers, null), "cuLaunchKernel", launch.Kernel, launch.Layers);
            if (synchronizeEach)
                CudaCheck.Check(CudaDriverNative.StreamSynchronize(stream), "cuStreamSynchronize", launch.Kernel, launch.Layers);
        }
    }
}
