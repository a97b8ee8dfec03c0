using DnnC.Runtime.Cuda;

namespace DnnC.Runtime.Tests.Cuda;

/// <summary>A test that needs a real GPU: shown as skipped, with the reason, where no driver or GPU is present.</summary>
public sealed class GpuFactAttribute : FactAttribute
{
    private static readonly string? Reason = Probe();

    public GpuFactAttribute()
    {
        if (Reason is not null) Skip = "needs a CUDA GPU: " + Reason;
    }

    private static string? Probe()
    {
        if (!CudaDevice.TryOpen(0, out var device, out string reason)) return reason;
        device!.Dispose();
        return null;
    }
}
