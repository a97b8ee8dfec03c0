using DnnC.Runtime.Cuda;
using DnnC.Runtime.Plan;

namespace DnnC.Runtime.Tests.Cuda;

/// <summary>
/// A CUDA driver that records what it is asked, in order, and keeps the little state the rules
/// need: which context is current on each thread (a call without it fails, as a real driver's
/// would), whether the stream is capturing, which graphs exist, and a GPU clock that advances by
/// <see cref="KernelMs"/> per kernel executed, so that events time what was replayed.
/// </summary>
internal sealed unsafe class FakeCudaDriver : ICudaDriver
{
    public const int InvalidContext = 201;         // CUDA_ERROR_INVALID_CONTEXT
    public const int IllegalAddress = 700;         // CUDA_ERROR_ILLEGAL_ADDRESS
    public const int CaptureUnsupported = 900;     // CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED
    public const int CaptureInvalidated = 901;     // CUDA_ERROR_STREAM_CAPTURE_INVALIDATED

    public static readonly nint Context = 0x1000;
    public static readonly nint Stream = 0x2000;

    [ThreadStatic] private static nint _current;

    private readonly Lock _gate = new();
    private readonly List<string> _calls = new();
    private readonly Dictionary<nint, string> _functions = new();
    private readonly Dictionary<nint, int> _graphKernels = new();
    private readonly Dictionary<nint, int> _execKernels = new();
    private readonly Dictionary<nint, double> _events = new();
    private nint _nextHandle = 0x10_0000;
    private ulong _nextAddress = 0x7f00_0000_0000;
    private int _capturedKernels;
    private bool _invalidated;
    private double _gpuMs;

    /// <summary>GPU time one kernel takes.</summary>
    public double KernelMs { get; set; } = 0.01;

    /// <summary>Returns an error for the call described ("LaunchKernel k1", "StreamSynchronize", ...), or 0.</summary>
    public Func<string, int> Fail { get; set; } = _ => 0;

    /// <summary>Whether an injected failure during capture invalidates it (the driver's rule for its own errors).</summary>
    public bool FailureInvalidatesCapture { get; set; } = true;

    public bool Capturing { get; private set; }

    public List<string> Calls
    {
        get { lock (_gate) return _calls.ToList(); }
    }

    public int LiveGraphs
    {
        get { lock (_gate) return _graphKernels.Count + _execKernels.Count; }
    }

    public void ClearCalls()
    {
        lock (_gate) _calls.Clear();
    }

    public static CudaDevice Device(FakeCudaDriver driver)
    {
        var info = new CudaDeviceInfo(0, "Fake GPU", 9, 0, 132, 2048, 32, 228 * 1024, 65536, 80L << 30, 12040);
        return new CudaDevice(driver, info, 0, Context, Stream);
    }

    /// <summary>Records the call; the result is the injected failure, else the context check.</summary>
    private int Call(string call, bool needsContext = true)
    {
        lock (_gate) _calls.Add(call);
        int injected = Fail(call);
        if (injected != 0)
        {
            if (Capturing && FailureInvalidatesCapture) _invalidated = true;
            return injected;
        }
        return needsContext && _current != Context ? InvalidContext : 0;
    }

    private nint NewHandle()
    {
        lock (_gate) return _nextHandle += 0x10;
    }

    public int CtxSetCurrent(nint context)
    {
        int r = Call("CtxSetCurrent", needsContext: false);
        if (r == 0) _current = context;
        return r;
    }

    public int PrimaryCtxRelease(int device) => Call("PrimaryCtxRelease", needsContext: false);

    public int MemGetInfo(out nuint free, out nuint total)
    {
        free = total = unchecked((nuint)(80UL << 30)); // 80 GiB; this machine is 64-bit
        return Call("MemGetInfo");
    }

    public int StreamSynchronize(nint stream)
    {
        int r = Call("StreamSynchronize");
        if (r == 0 && Capturing)
        {
            _invalidated = true;
            return CaptureUnsupported; // a wait is not allowed while capturing
        }
        return r;
    }

    public int StreamDestroy(nint stream) => Call("StreamDestroy");

    public int ModuleLoadData(out nint module, void* image)
    {
        module = NewHandle();
        return Call("ModuleLoadData");
    }

    public int ModuleUnload(nint module) => Call("ModuleUnload");

    public int ModuleGetFunction(out nint function, nint module, string name)
    {
        function = NewHandle();
        lock (_gate) _functions[function] = name;
        return Call($"ModuleGetFunction {name}");
    }

    public int FuncSetAttribute(nint function, int attribute, int value) => Call("FuncSetAttribute");

    public int MemAlloc(out ulong pointer, nuint bytes)
    {
        lock (_gate)
        {
            pointer = _nextAddress;
            _nextAddress += ((ulong)bytes + 255) / 256 * 256;
        }
        return Call("MemAlloc");
    }

    public int MemFree(ulong pointer) => Call("MemFree");
    public int MemsetD32(ulong destination, uint value, nuint count) => Call("MemsetD32");
    public int MemcpyHtoD(ulong destination, void* source, nuint bytes) => Call("MemcpyHtoD");
    public int MemcpyDtoH(void* destination, ulong source, nuint bytes) => Call("MemcpyDtoH");

    public int LaunchKernel(nint function, LaunchConfig config, nint stream, void** parameters)
    {
        string name;
        lock (_gate) name = _functions[function];
        int r = Call($"LaunchKernel {name}");
        if (r != 0) return r;
        if (Capturing) _capturedKernels++;
        else _gpuMs += KernelMs;
        return 0;
    }

    public int StreamBeginCapture(nint stream, int mode)
    {
        int r = Call("StreamBeginCapture");
        if (r != 0) return r;
        Capturing = true;
        _invalidated = false;
        _capturedKernels = 0;
        return 0;
    }

    public int StreamEndCapture(nint stream, out nint graph)
    {
        graph = 0;
        int r = Call("StreamEndCapture");
        bool wasCapturing = Capturing;
        Capturing = false;
        if (r != 0) return r;
        if (!wasCapturing) return CaptureInvalidated;
        if (_invalidated) return CaptureInvalidated; // and a NULL graph, as the driver documents
        graph = NewHandle();
        lock (_gate) _graphKernels[graph] = _capturedKernels;
        return 0;
    }

    public int GraphInstantiate(out nint exec, nint graph)
    {
        exec = 0;
        int r = Call("GraphInstantiate");
        if (r != 0) return r;
        exec = NewHandle();
        lock (_gate) _execKernels[exec] = _graphKernels[graph];
        return 0;
    }

    public int GraphLaunch(nint exec, nint stream)
    {
        int r = Call("GraphLaunch");
        if (r != 0) return r;
        lock (_gate) _gpuMs += _execKernels[exec] * KernelMs;
        return 0;
    }

    public int GraphExecDestroy(nint exec)
    {
        lock (_gate) _execKernels.Remove(exec);
        return Call("GraphExecDestroy");
    }

    public int GraphDestroy(nint graph)
    {
        lock (_gate) _graphKernels.Remove(graph);
        return Call("GraphDestroy");
    }

    public int EventCreate(out nint e)
    {
        e = NewHandle();
        return Call("EventCreate");
    }

    public int EventRecord(nint e, nint stream)
    {
        lock (_gate) _events[e] = _gpuMs;
        return Call("EventRecord");
    }

    public int EventSynchronize(nint e) => Call("EventSynchronize");

    public int EventElapsedTime(out float milliseconds, nint start, nint end)
    {
        lock (_gate) milliseconds = (float)(_events[end] - _events[start]);
        return Call("EventElapsedTime");
    }

    public int EventDestroy(nint e) => Call("EventDestroy");
}
