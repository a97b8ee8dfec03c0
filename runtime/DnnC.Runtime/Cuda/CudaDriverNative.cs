using System.Runtime.InteropServices;

namespace DnnC.Runtime.Cuda;

/// <summary>Device attributes DnnC reads (CUdevice_attribute in cuda.h).</summary>
public enum CudaDeviceAttribute
{
    MultiprocessorCount = 16,
    MaxThreadsPerMultiprocessor = 39,
    ComputeCapabilityMajor = 75,
    ComputeCapabilityMinor = 76,
    MaxSharedMemoryPerMultiprocessor = 81,
    MaxRegistersPerMultiprocessor = 82,
    MaxSharedMemoryPerBlockOptin = 97,
    MaxBlocksPerMultiprocessor = 106,
}

/// <summary>
/// Raw CUDA driver API entry points, the _v2 ABI where cuda.h maps the plain name to it.
/// "cuda" is resolved to libcuda.so.1 by <see cref="CudaLibraryResolver"/>. Handles are nint;
/// CUdeviceptr is a 64-bit integer.
/// </summary>
internal static unsafe partial class CudaDriverNative
{
    private const string Lib = CudaLibraryResolver.Driver;

    [LibraryImport(Lib, EntryPoint = "cuInit")] internal static partial int Init(uint flags);
    [LibraryImport(Lib, EntryPoint = "cuDriverGetVersion")] internal static partial int DriverGetVersion(out int version);
    [LibraryImport(Lib, EntryPoint = "cuGetErrorName")] internal static partial int GetErrorName(int result, out nint name);
    [LibraryImport(Lib, EntryPoint = "cuGetErrorString")] internal static partial int GetErrorString(int result, out nint text);

    [LibraryImport(Lib, EntryPoint = "cuDeviceGetCount")] internal static partial int DeviceGetCount(out int count);
    [LibraryImport(Lib, EntryPoint = "cuDeviceGet")] internal static partial int DeviceGet(out int device, int ordinal);
    [LibraryImport(Lib, EntryPoint = "cuDeviceGetName")] internal static partial int DeviceGetName(byte* name, int length, int device);
    [LibraryImport(Lib, EntryPoint = "cuDeviceGetAttribute")] internal static partial int DeviceGetAttribute(out int value, CudaDeviceAttribute attribute, int device);
    [LibraryImport(Lib, EntryPoint = "cuDeviceTotalMem_v2")] internal static partial int DeviceTotalMem(out nuint bytes, int device);

    [LibraryImport(Lib, EntryPoint = "cuDevicePrimaryCtxRetain")] internal static partial int PrimaryCtxRetain(out nint context, int device);
    [LibraryImport(Lib, EntryPoint = "cuDevicePrimaryCtxRelease_v2")] internal static partial int PrimaryCtxRelease(int device);
    [LibraryImport(Lib, EntryPoint = "cuCtxSetCurrent")] internal static partial int CtxSetCurrent(nint context);

    [LibraryImport(Lib, EntryPoint = "cuStreamCreate")] internal static partial int StreamCreate(out nint stream, uint flags);
    [LibraryImport(Lib, EntryPoint = "cuStreamSynchronize")] internal static partial int StreamSynchronize(nint stream);
    [LibraryImport(Lib, EntryPoint = "cuStreamDestroy_v2")] internal static partial int StreamDestroy(nint stream);

    [LibraryImport(Lib, EntryPoint = "cuEventCreate")] internal static partial int EventCreate(out nint e, uint flags);
    [LibraryImport(Lib, EntryPoint = "cuEventRecord")] internal static partial int EventRecord(nint e, nint stream);
    [LibraryImport(Lib, EntryPoint = "cuEventSynchronize")] internal static partial int EventSynchronize(nint e);
    [LibraryImport(Lib, EntryPoint = "cuEventElapsedTime")] internal static partial int EventElapsedTime(out float milliseconds, nint start, nint end);
    [LibraryImport(Lib, EntryPoint = "cuEventDestroy_v2")] internal static partial int EventDestroy(nint e);

    [LibraryImport(Lib, EntryPoint = "cuMemGetInfo_v2")] internal static partial int MemGetInfo(out nuint free, out nuint total);
    [LibraryImport(Lib, EntryPoint = "cuMemAlloc_v2")] internal static partial int MemAlloc(out ulong pointer, nuint bytes);
    [LibraryImport(Lib, EntryPoint = "cuMemFree_v2")] internal static partial int MemFree(ulong pointer);
    [LibraryImport(Lib, EntryPoint = "cuMemcpyHtoD_v2")] internal static partial int MemcpyHtoD(ulong destination, void* source, nuint bytes);
    [LibraryImport(Lib, EntryPoint = "cuMemcpyDtoH_v2")] internal static partial int MemcpyDtoH(void* destination, ulong source, nuint bytes);
    [LibraryImport(Lib, EntryPoint = "cuMemsetD32_v2")] internal static partial int MemsetD32(ulong destination, uint value, nuint count);

    [LibraryImport(Lib, EntryPoint = "cuModuleLoadData")] internal static partial int ModuleLoadData(out nint module, void* image);
    [LibraryImport(Lib, EntryPoint = "cuModuleUnload")] internal static partial int ModuleUnload(nint module);
    [LibraryImport(Lib, EntryPoint = "cuModuleGetFunction", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ModuleGetFunction(out nint function, nint module, string name);
    [LibraryImport(Lib, EntryPoint = "cuFuncSetAttribute")] internal static partial int FuncSetAttribute(nint function, int attribute, int value);

    [LibraryImport(Lib, EntryPoint = "cuLaunchKernel")]
    internal static partial int LaunchKernel(nint function, uint gridX, uint gridY, uint gridZ,
        uint blockX, uint blockY, uint blockZ, uint sharedBytes, nint stream, void** parameters, void** extra);

    [LibraryImport(Lib, EntryPoint = "cuStreamBeginCapture_v2")] internal static partial int StreamBeginCapture(nint stream, int mode);
    [LibraryImport(Lib, EntryPoint = "cuStreamEndCapture")] internal static partial int StreamEndCapture(nint stream, out nint graph);
    [LibraryImport(Lib, EntryPoint = "cuGraphInstantiateWithFlags")] internal static partial int GraphInstantiate(out nint exec, nint graph, ulong flags);
    [LibraryImport(Lib, EntryPoint = "cuGraphLaunch")] internal static partial int GraphLaunch(nint exec, nint stream);
    [LibraryImport(Lib, EntryPoint = "cuGraphExecDestroy")] internal static partial int GraphExecDestroy(nint exec);
    [LibraryImport(Lib, EntryPoint = "cuGraphDestroy")] internal static partial int GraphDestroy(nint graph);

    /// <summary>CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES: needed above 48 KB of dynamic shared memory.</summary>
    internal const int MaxDynamicSharedSizeBytes = 8;
    /// <summary>CU_STREAM_CAPTURE_MODE_THREAD_LOCAL: other threads' CUDA calls do not break our capture.</summary>
    internal const int CaptureModeThreadLocal = 1;
}
