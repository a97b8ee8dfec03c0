using System.Runtime.CompilerServices;
using DnnC.Runtime.Cuda;

namespace DnnC.Gpu.Tests;

/// <summary>A test that needs a real GPU: shown as skipped, with the reason, where no driver or GPU is present.</summary>
public sealed class GpuFactAttribute : FactAttribute
{
    private static readonly string? Reason = Probe();

    // The caller's file and line are xunit.v3's source information for the test (analyzer xUnit3003).
    public GpuFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
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
