namespace DnnC.Runtime.Cuda;

/// <summary>
/// The decisions <see cref="CudaModel.Load"/> makes before touching the device, kept pure so
/// they are tested without a GPU: which image to load, and whether the model fits.
/// </summary>
public static class CudaLoadChecks
{
    /// <summary>What the driver is given: a cubin for the device's own architecture, else PTX to JIT-compile.</summary>
    public sealed record Image(byte[] Bytes, bool IsPtx, string Description);

    public static Image SelectImage(string deviceArch, IReadOnlyDictionary<string, byte[]> cubins, string? ptx, string? ptxArch = null)
    {
        if (cubins.TryGetValue(deviceArch, out var cubin)) return new Image(cubin, false, $"cubin {deviceArch}");
        string built = cubins.Count == 0 ? "no architecture" : string.Join(", ", cubins.Keys.Order(StringComparer.Ordinal));
        if (string.IsNullOrEmpty(ptx))
            throw new CudaLoadException(
                $"the model was built for {built} but the GPU is {deviceArch} and no PTX was kept; rebuild with --target {deviceArch}");
        if (ptxArch is not null && ArchNumber(ptxArch) > ArchNumber(deviceArch))
            throw new CudaLoadException(
                $"the GPU is {deviceArch}, older than the PTX ({ptxArch}) the model was built with; rebuild with --target {deviceArch}");
        // The driver JIT-compiles PTX for any newer architecture; cuModuleLoadData wants it NUL-terminated.
        return new Image(System.Text.Encoding.UTF8.GetBytes(ptx + "\0"), true, $"PTX {ptxArch ?? "(unknown arch)"} JIT-compiled for {deviceArch}");
    }

    /// <summary>
    /// The CUDA kernels read and write float32 and FP16 tensors, dense weights (padded rows included) and 2:4-compressed
    /// ones; a plan with ternary weights, which no CUDA template reads yet, is refused here rather than read as the wrong bytes.
    /// </summary>
    public static void CheckSupportedStorage(Plan.KernelPlan plan)
    {
        if (plan.Values.FirstOrDefault(v => v.Format is not (null or Numerics.ElementFormat.Float16)
                || v.Encoded is { Encoding: not (Plan.WeightEncoding.Dense or Plan.WeightEncoding.Sparse24) }) is { } value)
            throw new CudaLoadException(
                $"value '{value.Name}' is stored as {(value.Encoded is { } e ? e.Encoding.ToString() : Numerics.ElementFormats.Name(value.Format!.Value))}, " +
                "and the CUDA runtime runs float32 and FP16 plans with dense or 2:4 weights only; run it with --backend sim");
    }

    /// <summary>Throws a <see cref="CudaLoadException"/> with the numbers when the arena and weights do not fit in free memory.</summary>
    public static void CheckFits(long arenaBytes, long weightBytes, long freeBytes, string deviceName)
    {
        long needed = arenaBytes + weightBytes;
        if (needed <= freeBytes) return;
        throw new CudaLoadException(
            $"the model needs {Mib(needed)} of device memory (activation arena {Mib(arenaBytes)}, weights {Mib(weightBytes)}) " +
            $"but {deviceName} has only {Mib(freeBytes)} free; free GPU memory (other processes) or use a smaller input shape");
    }

    /// <summary>"sm_90" → 90, "sm_90a" → 90, "compute_86" → 86; 0 for anything else.</summary>
    public static int ArchNumber(string arch)
    {
        string digits = new(arch.SkipWhile(c => !char.IsDigit(c)).TakeWhile(char.IsDigit).ToArray());
        return int.TryParse(digits, out int n) ? n : 0;
    }

    private static string Mib(long bytes) => $"{bytes / (1024.0 * 1024.0):F1} MiB";
}
