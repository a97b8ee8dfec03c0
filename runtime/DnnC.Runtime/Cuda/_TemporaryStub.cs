namespace DnnC.Runtime.Cuda;
public sealed record PtxasKernelInfo(string Kernel, string Arch, int Registers, int SharedBytes, int SpillStoreBytes, int SpillLoadBytes, int StackBytes);
public sealed record NvrtcResult(byte[] Cubin, string Ptx, string Log, IReadOnlyList<PtxasKernelInfo> Kernels);
public static class Nvrtc
{
    public static NvrtcResult Compile(string source, string arch, string programName) => throw new NotImplementedException();
    public static bool IsAvailable(out string reason) { reason = "stub"; return false; }
    public static (int Major, int Minor) Version() => (0, 0);
}
public sealed class NvrtcCompileException(string log, IReadOnlyList<string> kernels) : Exception(log)
{
    public string Log { get; } = log;
    public IReadOnlyList<string> Kernels { get; } = kernels;
}
