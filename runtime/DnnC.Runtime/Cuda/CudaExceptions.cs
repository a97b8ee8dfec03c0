namespace DnnC.Runtime.Cuda;

/// <summary>No candidate file of a CUDA library could be loaded. Lists every name that was tried.</summary>
public sealed class CudaLibraryNotFoundException(string library, IReadOnlyList<string> probed, string detail)
    : Exception($"CUDA library '{library}' was not found; probed {string.Join(", ", probed)}. {detail}")
{
    public string Library { get; } = library;
    public IReadOnlyList<string> Probed { get; } = probed;
}

/// <summary>
/// An NVRTC call returned an error status. The message names the call and the status as
/// nvrtcGetErrorString spells it ("NVRTC_ERROR_INVALID_OPTION (5)"), then the program log when
/// NVRTC wrote one: for a rejected option or a missing libnvrtc-builtins, the log is the only place
/// that says which.
/// </summary>
public class NvrtcException : Exception
{
    public NvrtcException(string call, string status, string log) : this(call, status, log, Format(call, status, log)) { }

    protected NvrtcException(string call, string status, string log, string message) : base(message)
    {
        Call = call;
        Status = status;
        Log = log;
    }

    /// <summary>The NVRTC function that failed, e.g. nvrtcCompileProgram.</summary>
    public string Call { get; }
    /// <summary>The status name and number, e.g. "NVRTC_ERROR_INVALID_OPTION (5)".</summary>
    public string Status { get; }
    /// <summary>The program log; empty when there was no program yet or NVRTC wrote nothing.</summary>
    public string Log { get; }

    private static string Format(string call, string status, string log) =>
        $"{call} failed: {status}" + (string.IsNullOrWhiteSpace(log) ? "" : $"\n{log.TrimEnd()}");
}

/// <summary>
/// NVRTC rejected the source. <see cref="NvrtcException.Log"/> is the full compiler log; <see cref="Kernels"/> names
/// the kernels whose lines the errors point into (empty when they point into shared code).
/// </summary>
public sealed class NvrtcCompileException(string programName, string log, IReadOnlyList<string> kernels)
    : NvrtcException("nvrtcCompileProgram", $"NVRTC_ERROR_COMPILATION ({(int)NvrtcStatus.Compilation})", log, FormatMessage(programName, log, kernels))
{
    public string ProgramName { get; } = programName;
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
