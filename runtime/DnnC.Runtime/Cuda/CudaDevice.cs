namespace DnnC.Runtime.Cuda;

/// <summary>What the runtime reads from the device rather than assuming (REFERENCE.md §1).</summary>
public sealed record CudaDeviceInfo(
    int Ordinal, string Name, int Major, int Minor, int SmCount, int MaxThreadsPerSm, int MaxBlocksPerSm,
    int SharedBytesPerSm, int RegistersPerSm, long TotalBytes, int DriverVersion)
{
    public string Arch => $"sm_{Major}{Minor}";
    public string DriverText => $"{DriverVersion / 1000}.{DriverVersion % 1000 / 10}";
}

/// <summary>
/// One GPU with its primary context and a stream. Opening it is the only place that decides
/// whether CUDA is usable, and it says why not in words (<see cref="TryOpen"/>).
/// </summary>
public sealed unsafe class CudaDevice : IDisposable
{
    private readonly int _handle;
    private bool _disposed;

    internal CudaDevice(ICudaDriver driver, CudaDeviceInfo info, int handle, nint context, nint stream)
    {
        Driver = driver;
        Info = info;
        _handle = handle;
        Context = context;
        Stream = stream;
    }

    public CudaDeviceInfo Info { get; }
    internal ICudaDriver Driver { get; }
    internal nint Context { get; }
    internal nint Stream { get; }

    /// <summary>Opens device <paramref name="ordinal"/>, or returns false with a sentence saying why not.</summary>
    public static bool TryOpen(int ordinal, out CudaDevice? device, out string reason)
    {
        device = null;
        if (!CudaLibraryResolver.TryLoad(CudaLibraryResolver.Driver, out _, out string probe))
        {
            reason = $"no CUDA driver was found: {probe}";
            return false;
        }
        int result = CudaDriverNative.Init(0);
        if (result != 0)
        {
            reason = $"the CUDA driver did not initialise: {CudaCheck.ErrorName(result)}: {CudaCheck.ErrorText(result)}";
            return false;
        }
        CudaCheck.Check(CudaDriverNative.DeviceGetCount(out int count), "cuDeviceGetCount");
        if (ordinal >= count)
        {
            reason = count == 0 ? "the CUDA driver reports no GPU" : $"there is no GPU {ordinal}; the driver reports {count}";
            return false;
        }
        device = Open(ordinal);
        reason = "";
        return true;
    }

    private static CudaDevice Open(int ordinal)
    {
        CudaCheck.Check(CudaDriverNative.DeviceGet(out int handle, ordinal), "cuDeviceGet");
        var name = new byte[256];
        fixed (byte* p = name) CudaCheck.Check(CudaDriverNative.DeviceGetName(p, name.Length, handle), "cuDeviceGetName");
        int Attr(CudaDeviceAttribute a)
        {
            CudaCheck.Check(CudaDriverNative.DeviceGetAttribute(out int v, a, handle), $"cuDeviceGetAttribute({a})");
            return v;
        }
        CudaCheck.Check(CudaDriverNative.DeviceTotalMem(out nuint total, handle), "cuDeviceTotalMem");
        CudaCheck.Check(CudaDriverNative.DriverGetVersion(out int driver), "cuDriverGetVersion");
        var info = new CudaDeviceInfo(
            ordinal, System.Text.Encoding.UTF8.GetString(name).TrimEnd('\0'),
            Attr(CudaDeviceAttribute.ComputeCapabilityMajor), Attr(CudaDeviceAttribute.ComputeCapabilityMinor),
            Attr(CudaDeviceAttribute.MultiprocessorCount), Attr(CudaDeviceAttribute.MaxThreadsPerMultiprocessor),
            Attr(CudaDeviceAttribute.MaxBlocksPerMultiprocessor), Attr(CudaDeviceAttribute.MaxSharedMemoryPerMultiprocessor),
            Attr(CudaDeviceAttribute.MaxRegistersPerMultiprocessor), (long)total, driver);
        CudaCheck.Check(CudaDriverNative.PrimaryCtxRetain(out nint context, handle), "cuDevicePrimaryCtxRetain");
        CudaCheck.Check(CudaDriverNative.CtxSetCurrent(context), "cuCtxSetCurrent");
        CudaCheck.Check(CudaDriverNative.StreamCreate(out nint stream, 0), "cuStreamCreate");
        return new CudaDevice(NativeCudaDriver.Instance, info, handle, context, stream);
    }

    /// <summary>
    /// Binds this device's context to the calling thread. A CUDA context is current per thread, and
    /// a generated library is called from whatever thread its user has, so every public entry point
    /// of the device and of <see cref="CudaModel"/> starts here. cuCtxSetCurrent rather than a
    /// push/pop pair: one call, and nothing to undo when the entry point throws.
    /// </summary>
    internal void MakeCurrent() => CudaCheck.Check(Driver.CtxSetCurrent(Context), "cuCtxSetCurrent");

    public long FreeBytes()
    {
        MakeCurrent();
        CudaCheck.Check(Driver.MemGetInfo(out nuint free, out _), "cuMemGetInfo");
        return (long)free;
    }

    public void Synchronize()
    {
        MakeCurrent();
        CudaCheck.Check(Driver.StreamSynchronize(Stream), "cuStreamSynchronize");
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        // Best effort: a context broken by an earlier fault still has to be released.
        Driver.CtxSetCurrent(Context);
        Driver.StreamDestroy(Stream);
        Driver.PrimaryCtxRelease(_handle);
    }
}
