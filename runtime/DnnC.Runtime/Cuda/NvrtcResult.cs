namespace DnnC.Runtime.Cuda;

/// <summary>
/// The output of one NVRTC compile. <see cref="Ptx"/> is the PTX NVRTC produced on the way to the
/// cubin, or empty where the NVRTC version does not keep it for a real architecture.
/// </summary>
public sealed record NvrtcResult(byte[] Cubin, string Ptx, string Log, IReadOnlyList<PtxasKernelInfo> Kernels);
