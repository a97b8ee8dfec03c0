using DnnC.Runtime.Plan;

namespace DnnC.Runtime.Cuda;

/// <summary>The real driver: each call forwards to its <see cref="CudaDriverNative"/> entry point.</summary>
internal sealed unsafe class NativeCudaDriver : ICudaDriver
{
    public static readonly NativeCudaDriver Instance = new();

    private NativeCudaDriver() { }

    public int CtxSetCurrent(nint context) => CudaDriverNative.CtxSetCurrent(context);
    public int PrimaryCtxRelease(int device) => CudaDriverNative.PrimaryCtxRelease(device);
    public int MemGetInfo(out nuint free, out nuint total) => CudaDriverNative.MemGetInfo(out free, out total);

    public int StreamSynchronize(nint stream) => CudaDriverNative.StreamSynchronize(stream);
    public int StreamDestroy(nint stream) => CudaDriverNative.StreamDestroy(stream);

    public int ModuleLoadData(out nint module, void* image) => CudaDriverNative.ModuleLoadData(out module, image);
    public int ModuleUnload(nint module) => CudaDriverNative.ModuleUnload(module);
    public int ModuleGetFunction(out nint function, nint module, string name) => CudaDriverNative.ModuleGetFunction(out function, module, name);
    public int FuncSetAttribute(nint function, int attribute, int value) => CudaDriverNative.FuncSetAttribute(function, attribute, value);

    public int MemAlloc(out ulong pointer, nuint bytes) => CudaDriverNative.MemAlloc(out pointer, bytes);
    public int MemFree(ulong pointer) => CudaDriverNative.MemFree(pointer);
    public int MemsetD32(ulong destination, uint value, nuint count) => CudaDriverNative.MemsetD32(destination, value, count);
    public int MemcpyHtoD(ulong destination, void* source, nuint bytes) => CudaDriverNative.MemcpyHtoD(destination, source, bytes);
    public int MemcpyDtoH(void* destination, ulong source, nuint bytes) => CudaDriverNative.MemcpyDtoH(destination, source, bytes);

    public int LaunchKernel(nint function, LaunchConfig c, nint stream, void** parameters) =>
        CudaDriverNative.LaunchKernel(function, (uint)c.GridX, (uint)c.GridY, (uint)c.GridZ,
            (uint)c.BlockX, (uint)c.BlockY, (uint)c.BlockZ, (uint)c.SharedBytes, stream, parameters, null);

    public int StreamBeginCapture(nint stream, int mode) => CudaDriverNative.StreamBeginCapture(stream, mode);
    public int StreamEndCapture(nint stream, out nint graph) => CudaDriverNative.StreamEndCapture(stream, out graph);
    public int GraphInstantiate(out nint exec, nint graph) => CudaDriverNative.GraphInstantiate(out exec, graph, 0);
    public int GraphLaunch(nint exec, nint stream) => CudaDriverNative.GraphLaunch(exec, stream);
    public int GraphExecDestroy(nint exec) => CudaDriverNative.GraphExecDestroy(exec);
    public int GraphDestroy(nint graph) => CudaDriverNative.GraphDestroy(graph);

    public int EventCreate(out nint e) => CudaDriverNative.EventCreate(out e, 0);
    public int EventRecord(nint e, nint stream) => CudaDriverNative.EventRecord(e, stream);
    public int EventSynchronize(nint e) => CudaDriverNative.EventSynchronize(e);
    public int EventElapsedTime(out float milliseconds, nint start, nint end) => CudaDriverNative.EventElapsedTime(out milliseconds, start, end);
    public int EventDestroy(nint e) => CudaDriverNative.EventDestroy(e);
}
