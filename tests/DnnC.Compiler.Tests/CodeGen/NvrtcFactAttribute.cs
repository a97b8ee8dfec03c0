using DnnC.Runtime.Cuda;

namespace DnnC.Compiler.Tests.CodeGen;

/// <summary>A fact that needs libnvrtc (not a GPU); skipped with the probe's reason when absent.</summary>
public sealed class NvrtcFactAttribute : FactAttribute
{
    public NvrtcFactAttribute()
    {
        if (!Nvrtc.IsAvailable(out string reason)) Skip = "NVRTC not available: " + reason;
    }
}
