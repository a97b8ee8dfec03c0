using DnnC.Runtime.Cuda;

namespace DnnC.Runtime.Tests.Cuda;

public sealed class PtxasLogTests
{
    // Captured from NVRTC 11.8 (--ptxas-options=-v) on a kernel that spilled; its spill-load count
    // was edited (12 -> 8) so every field differs. The sm_90 entry shows that ptxas omits
    // "bytes smem" when a kernel has none.
    private const string Sample = """
        ptxas info    : 0 bytes gmem
        ptxas info    : Compiling entry function 'k1_pool' for 'sm_90'
        ptxas info    : Function properties for k1_pool
        ptxas         .     0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
        ptxas info    : Used 12 registers
        ptxas info    : Compiling entry function 'k0_implicit_gemm_conv' for 'sm_80'
        ptxas info    : Function properties for k0_implicit_gemm_conv
        ptxas         .     16 bytes stack frame, 12 bytes spill stores, 8 bytes spill loads
        ptxas info    : Used 48 registers, 4096 bytes smem, 384 bytes cmem[0], 8 bytes cmem[2]

        """;

    [Fact]
    public void ParsesRegistersSharedMemoryAndSpillsPerKernel()
    {
        var kernels = PtxasLog.Parse(Sample);
        Assert.Equal(
            [
                new PtxasKernelInfo("k1_pool", "sm_90", 12, 0, 0, 0, 0),
                new PtxasKernelInfo("k0_implicit_gemm_conv", "sm_80", 48, 4096, 12, 8, 16),
            ],
            kernels);
    }

    [Fact]
    public void LogWithoutPtxasInfoGivesNoKernels()
    {
        Assert.Empty(PtxasLog.Parse(""));
        Assert.Empty(PtxasLog.Parse("t.cu(3): warning: something\n"));
    }

    [Fact]
    public void CrlfLineEndingsParseTheSame()
    {
        Assert.Equal(PtxasLog.Parse(Sample), PtxasLog.Parse(Sample.Replace("\n", "\r\n")));
    }
}
