using System.Runtime.InteropServices;

namespace DnnC.Runtime.Cuda;

/// <summary>nvrtcResult codes (nvrtc.h).</summary>
public enum NvrtcStatus
{
    Success = 0,
    OutOfMemory = 1,
    ProgramCreationFailure = 2,
    InvalidInput = 3,
    InvalidProgram = 4,
    InvalidOption = 5,
    Compilation = 6,
    BuiltinOperationFailure = 7,
    NoNameExpressionsAfterCompilation = 8,
    NoLoweredNamesBeforeCompilation = 9,
    NameExpressionNotValid = 10,
    InternalError = 11,
}

/// <summary>Raw NVRTC entry points. "nvrtc" is resolved by <see cref="CudaLibraryResolver"/>.</summary>
internal static unsafe partial class NvrtcNative
{
    private const string Lib = CudaLibraryResolver.Nvrtc;

    [LibraryImport(Lib, EntryPoint = "nvrtcVersion")]
    internal static partial NvrtcStatus Version(out int major, out int minor);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetErrorString")]
    internal static partial nint GetErrorString(NvrtcStatus status);

    [LibraryImport(Lib, EntryPoint = "nvrtcCreateProgram", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NvrtcStatus CreateProgram(
        out nint program, string source, string name, int numHeaders, nint* headers, nint* includeNames);

    [LibraryImport(Lib, EntryPoint = "nvrtcCompileProgram")]
    internal static partial NvrtcStatus CompileProgram(nint program, int numOptions, nint* options);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetProgramLogSize")]
    internal static partial NvrtcStatus GetProgramLogSize(nint program, out nuint size);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetProgramLog")]
    internal static partial NvrtcStatus GetProgramLog(nint program, byte* log);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetPTXSize")]
    internal static partial NvrtcStatus GetPtxSize(nint program, out nuint size);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetPTX")]
    internal static partial NvrtcStatus GetPtx(nint program, byte* ptx);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetCUBINSize")]
    internal static partial NvrtcStatus GetCubinSize(nint program, out nuint size);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetCUBIN")]
    internal static partial NvrtcStatus GetCubin(nint program, byte* cubin);

    [LibraryImport(Lib, EntryPoint = "nvrtcDestroyProgram")]
    internal static partial NvrtcStatus DestroyProgram(ref nint program);

    /// <summary>
    /// Throws <see cref="NvrtcException"/> naming <paramref name="call"/> and the status unless it
    /// succeeded; <paramref name="log"/> is the program log to carry, when there is one.
    /// </summary>
    internal static void Check(NvrtcStatus status, string call, string log = "")
    {
        if (status == NvrtcStatus.Success) return;
        throw new NvrtcException(call, StatusText(status), log);
    }

    /// <summary>"NVRTC_ERROR_INVALID_OPTION (5)": the name nvrtcGetErrorString gives, and the number.</summary>
    internal static string StatusText(NvrtcStatus status) =>
        $"{Marshal.PtrToStringUTF8(GetErrorString(status)) ?? status.ToString()} ({(int)status})";
}
