using DnnC.Runtime.Targets;

namespace DnnC.Runtime.Tests.Cuda;

/// <summary>
/// The occupancy rules against cases worked by hand from the CUDA C Programming Guide's calculation (and what NVIDIA's
/// occupancy calculator gives for them): each limit binding in turn, allocation granularity, and the wave arithmetic.
/// </summary>
public sealed class OccupancyTests
{
    [Theory]
    // 256 threads, 32 registers: 8 warps × 1024 registers per warp = 8192 per block → 8 blocks by registers, 8 by threads.
    [InlineData(256, 32, 0, 8, "threads")]
    // 256 threads, 64 registers: 2048 per warp × 8 warps = 16384 per block → 4 blocks.
    [InlineData(256, 64, 0, 4, "registers")]
    // 33 registers round up to 40 per thread (1280 per warp): 65536 / 1280 = 51 warps → 6 blocks of 8 warps.
    [InlineData(256, 33, 0, 6, "registers")]
    // 64 threads, few registers: 2 warps, 32 blocks of them by threads; the 32-block limit binds first.
    [InlineData(64, 16, 0, 32, "blocks")]
    // 48 KB of shared memory + 1 KB reserved per block in 228 KB: 4 blocks.
    [InlineData(128, 32, 48 * 1024, 4, "shared memory")]
    public void Resident_blocks_on_an_h100_follow_the_binding_limit(int threads, int registers, int shared, int blocks, string limit)
    {
        var (perSm, binding) = Occupancy.BlocksPerSm(GpuTarget.H100, new KernelResources(threads, registers, shared));
        Assert.Equal(blocks, perSm);
        Assert.Equal(limit, binding);
    }

    [Fact]
    public void An_l4_holds_fewer_threads_per_sm_than_an_h100()
    {
        // 1536 threads per SM on sm_89: 256-thread blocks fit 6, not 8.
        Assert.Equal((6, "threads"), Occupancy.BlocksPerSm(GpuTarget.L4, new KernelResources(256, 32, 0)));
    }

    [Fact]
    public void Waves_and_the_tail_follow_from_the_grid()
    {
        var kernel = new KernelResources(256, 64, 0);   // 4 blocks per SM: W = 528 on 132 SMs
        var fit = Occupancy.Fit(GpuTarget.H100, kernel, 1000);
        Assert.Equal(528, fit.WaveBlocks);
        Assert.Equal(2, fit.Waves);
        Assert.Equal((1000 - 528) / 528.0, fit.TailUtilisation, 12);
        Assert.Equal(56, fit.IdleTailSlots);
        Assert.Equal(1000 / 1056.0, fit.Efficiency, 12);

        var whole = Occupancy.Fit(GpuTarget.H100, kernel, 1056);
        Assert.Equal((2L, 1.0, 0L), (whole.Waves, whole.TailUtilisation, whole.IdleTailSlots));
    }

    [Fact]
    public void A_block_that_cannot_fit_has_no_waves()
    {
        var fit = Occupancy.Fit(GpuTarget.H100, new KernelResources(1024, 255, 0), 10);
        Assert.Equal(0, fit.BlocksPerSm);
        Assert.Equal("registers", fit.Limit);
        Assert.Throws<ArgumentOutOfRangeException>(() => Occupancy.BlocksPerSm(GpuTarget.H100, new KernelResources(2048, 32, 0)));
    }
}
