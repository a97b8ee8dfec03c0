using DnnC.Runtime.Plan;

namespace DnnC.Runtime.Cuda;

/// <summary>
/// Runs one kernel of a compiled image once on host buffers: for the instruction probes that hold the CPU twin of the
/// tensor-core instructions to the hardware (PTX.md §8), and for any single-kernel check. Every buffer is copied to the
/// device, passed as one pointer argument in order, and copied back after the launch; buffers holding register bit
/// patterns travel unchanged, since nothing converts them.
/// </summary>
public static unsafe class CudaKernelRunner
{
    public static float[][] Run(CudaDevice device, byte[] image, string kernel, LaunchConfig launch, IReadOnlyList<float[]> buffers)
    {
        device.MakeCurrent();
        var driver = device.Driver;
        nint module = 0;
        var pointers = new ulong[buffers.Count];
        try
        {
            nint loaded;
            fixed (byte* p = image) CudaCheck.Check(driver.ModuleLoadData(out loaded, p), "cuModuleLoadData(probe)");
            module = loaded;
            CudaCheck.Check(driver.ModuleGetFunction(out nint function, module, kernel), $"cuModuleGetFunction({kernel})");
            for (int i = 0; i < buffers.Count; i++)
            {
                CudaCheck.Check(driver.MemAlloc(out pointers[i], (nuint)Math.Max(4, buffers[i].Length * sizeof(float))), "cuMemAlloc(probe)");
                fixed (float* source = buffers[i])
                    CudaCheck.Check(driver.MemcpyHtoD(pointers[i], source, (nuint)(buffers[i].Length * sizeof(float))), "cuMemcpyHtoD(probe)");
            }
            var arguments = new ulong[pointers.Length];
            Array.Copy(pointers, arguments, pointers.Length);
            fixed (ulong* values = arguments)
            {
                var parameters = stackalloc void*[arguments.Length];
                for (int i = 0; i < arguments.Length; i++) parameters[i] = values + i;
                CudaCheck.Check(driver.LaunchKernel(function, launch, device.Stream, parameters), $"cuLaunchKernel({kernel})");
            }
            CudaCheck.Check(driver.StreamSynchronize(device.Stream), $"cuStreamSynchronize({kernel})");
            var results = new float[buffers.Count][];
            for (int i = 0; i < buffers.Count; i++)
            {
                results[i] = new float[buffers[i].Length];
                fixed (float* destination = results[i])
                    CudaCheck.Check(driver.MemcpyDtoH(destination, pointers[i], (nuint)(results[i].Length * sizeof(float))), "cuMemcpyDtoH(probe)");
            }
            return results;
        }
        finally
        {
            foreach (var pointer in pointers.Where(p => p != 0)) driver.MemFree(pointer);
            if (module != 0) driver.ModuleUnload(module);
        }
    }
}
