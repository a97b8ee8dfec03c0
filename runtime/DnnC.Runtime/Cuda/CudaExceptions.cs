namespace DnnC.Runtime.Cuda;

/// <summary>No candidate file of a CUDA library could be loaded. Lists every name that was tried.</summary>
public sealed class CudaLibraryNotFoundException(string library, IReadOnlyList<string> probed, string detail)
    : Exception($"CUDA library '{library}' was not found; probed {string.Join(", ", probed)}. {detail}")
{
    public string Library { get; } = library;
    public IReadOnlyList<string> Probed { get; } = probed;
}

/// <summary>An NVRTC call returned an error status; the message names the call.</summary>
public class NvrtcException(string message) : Exception(message);

/// <summary>
/// NVRTC rejected the source. <see cref="Log"/> is the full compiler log; <see cref="Kernels"/> names
/// the kernels whose lines the errors point into (empty when they point into shared code).
/// </summary>
public sealed class NvrtcCompileException(string programName, string log, IReadOnlyList<string> kernels)
    : NvrtcException(FormatMessage(programName, log, kernels))
{
    public string ProgramName { get; } = programName;
    public string Log { get; } = log;
    public IReadOnlyList<string> Kernels { get; } = kernels;

    private static string FormatMessage(string programName, string log, IReadOnlyList<string> kernels)
    {
        string where = kernels.Count == 0
            ? "outside any kernel (shared device code)"
            : $"in kernel(s) {string.Join(", ", kernels)}";
        return $"NVRTC failed to compile '{programName}' {where}:\n{log}";
    }
}

/// <summary>
/// A model cannot be loaded on this GPU for a reason the user can act on: no binary for its
/// architecture, or not enough free device memory. The message says which and what to do.
/// </summary>
public sealed class CudaLoadException(string message) : Exception(message);
