using DnnC.Runtime.Plan;

namespace DnnC.Runtime.Cuda;

/// <summary>
/// The driver calls a device and a loaded model make, each returning the raw CUresult. The real
/// one forwards to <see cref="CudaDriverNative"/>; tests give a recording fake, so the eager pass,
/// graph capture, replay, timing and context handling run on a CPU, in the order a GPU sees them.
/// Checking the results (and naming the call, kernel or graph) stays with the callers.
/// </summary>
internal unsafe interface ICudaDriver
{
    int CtxSetCurrent(nint context);
    int PrimaryCtxRelease(int device);
    int MemGetInfo(out nuint free, out nuint total);

    int StreamSynchronize(nint stream);
    int StreamDestroy(nint stream);

    int ModuleLoadData(out nint module, void* image);
    int ModuleUnload(nint module);
    int ModuleGetFunction(out nint function, nint module, string name);
    int FuncSetAttribute(nint function, int attribute, int value);

    int MemAlloc(out ulong pointer, nuint bytes);
    int MemFree(ulong pointer);
    int MemsetD32(ulong destination, uint value, nuint count);
    int MemcpyHtoD(ulong destination, void* source, nuint bytes);
    int MemcpyDtoH(void* destination, ulong source, nuint bytes);

    int LaunchKernel(nint function, LaunchConfig config, nint stream, void** parameters);

    int StreamBeginCapture(nint stream, int mode);
    int StreamEndCapture(nint stream, out nint graph);
    int GraphInstantiate(out nint exec, nint graph);
    int GraphLaunch(nint exec, nint stream);
    int GraphExecDestroy(nint exec);
    int GraphDestroy(nint graph);

    int EventCreate(out nint e);
    int EventRecord(nint e, nint stream);
    int EventSynchronize(nint e);
    int EventElapsedTime(out float milliseconds, nint start, nint end);
    int EventDestroy(nint e);
}
