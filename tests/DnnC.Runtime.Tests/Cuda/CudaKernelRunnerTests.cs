using DnnC.Runtime.Cuda;
using DnnC.Runtime.Plan;

namespace DnnC.Runtime.Tests.Cuda;

/// <summary>What the single-kernel runner of the GPU probes asks the driver, in order, and that it gives everything back,
/// also when the launch fails (a recording fake driver: no GPU here).</summary>
public sealed class CudaKernelRunnerTests
{
    private static readonly LaunchConfig OneWarp = new(1, 1, 1, 32, 1, 1, 0);

    [Fact]
    public void Buffers_go_up_the_kernel_runs_once_and_everything_comes_back_and_is_freed()
    {
        var driver = new FakeCudaDriver();
        using var device = FakeCudaDriver.Device(driver);
        driver.ClearCalls();
        var outputs = CudaKernelRunner.Run(device, [0x7F, (byte)'E', (byte)'L', (byte)'F'], "probe", OneWarp, [new float[128], new float[64], new float[4]]);

        Assert.Equal([128, 64, 4], outputs.Select(o => o.Length));
        var calls = driver.Calls.Where(c => c != "CtxSetCurrent").ToList();
        Assert.Equal(
            ["ModuleLoadData", "ModuleGetFunction probe", "MemAlloc", "MemcpyHtoD", "MemAlloc", "MemcpyHtoD", "MemAlloc", "MemcpyHtoD",
             "LaunchKernel probe", "StreamSynchronize", "MemcpyDtoH", "MemcpyDtoH", "MemcpyDtoH", "MemFree", "MemFree", "MemFree", "ModuleUnload"],
            calls.Select(c => c.StartsWith("ModuleGetFunction") ? "ModuleGetFunction probe" : c));
    }

    [Fact]
    public void A_failed_launch_is_a_cuda_exception_naming_the_kernel_and_frees_what_was_taken()
    {
        var driver = new FakeCudaDriver { Fail = call => call == "LaunchKernel probe" ? FakeCudaDriver.IllegalAddress : 0 };
        using var device = FakeCudaDriver.Device(driver);
        driver.ClearCalls();
        var e = Assert.Throws<CudaException>(() => CudaKernelRunner.Run(device, [1, 2, 3], "probe", OneWarp, [new float[8], new float[8]]));
        Assert.Contains("probe", e.Call);
        Assert.Equal(2, driver.Calls.Count(c => c == "MemFree"));
        Assert.Contains("ModuleUnload", driver.Calls);
    }
}
