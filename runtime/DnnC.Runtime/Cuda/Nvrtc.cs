using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace DnnC.Runtime.Cuda;

/// <summary>
/// Compiles CUDA C++ to a cubin for one real architecture with NVRTC. Options are fixed so that a
/// cache key over (source, options, arch, NVRTC version) identifies the result: IEEE math (no
/// --use_fast_math), C++17, ptxas -v so registers and spills can be reported, no line info.
/// </summary>
public static partial class Nvrtc
{
    [GeneratedRegex(@"\Asm_[0-9]{2,3}[a-z]?\z")]
    private static partial Regex RealArch();

    /// <summary>The options passed for <paramref name="arch"/>, in order.</summary>
    public static IReadOnlyList<string> Options(string arch)
    {
        if (!RealArch().IsMatch(arch))
            throw new ArgumentException($"'{arch}' is not a real GPU architecture such as sm_80 or sm_90", nameof(arch));
        return [$"--gpu-architecture={arch}", "-std=c++17", "--ptxas-options=-v"];
    }

    public static bool IsAvailable(out string reason)
    {
        if (!CudaLibraryResolver.TryLoad(CudaLibraryResolver.Nvrtc, out _, out reason)) return false;
        try
        {
            Version();
            return true;
        }
        catch (Exception e) when (e is NvrtcException or EntryPointNotFoundException)
        {
            reason = e.Message;
            return false;
        }
    }

    public static (int Major, int Minor) Version()
    {
        CudaLibraryResolver.Load(CudaLibraryResolver.Nvrtc);
        NvrtcNative.Check(NvrtcNative.Version(out int major, out int minor), "nvrtcVersion");
        return (major, minor);
    }

    public static NvrtcResult Compile(string source, string arch, string programName) => Compile(source, Options(arch), programName);

    /// <summary>
    /// Compiles with <paramref name="options"/> exactly as given. Every failure is an
    /// <see cref="NvrtcException"/> naming the call and status and carrying the program log when
    /// there is one; a rejected source is an <see cref="NvrtcCompileException"/>. Internal so that
    /// tests can make NVRTC itself refuse an option, which <see cref="Options"/> never produces.
    /// </summary>
    internal static NvrtcResult Compile(string source, IReadOnlyList<string> options, string programName)
    {
        CudaLibraryResolver.Load(CudaLibraryResolver.Nvrtc);
        unsafe
        {
            NvrtcNative.Check(NvrtcNative.CreateProgram(out nint program, source, programName, 0, null, null), "nvrtcCreateProgram");
            try
            {
                var status = CompileWithOptions(program, options);
                // After a failure the log is read as far as it can be: it is the explanation.
                string log = status == NvrtcStatus.Success ? ReadLog(program) : TryReadLog(program);
                if (status == NvrtcStatus.Compilation)
                    throw new NvrtcCompileException(programName, log, NvrtcErrorLocator.KernelsWithErrors(source, log));
                NvrtcNative.Check(status, "nvrtcCompileProgram", log);
                return new NvrtcResult(ReadCubin(program, log), ReadPtx(program), log, PtxasLog.Parse(log));
            }
            finally
            {
                NvrtcNative.DestroyProgram(ref program);
            }
        }
    }

    /// <summary>
    /// Compiles a one-line kernel for sm_80 (every supported NVRTC has it) without the compile cache:
    /// the check that NVRTC can really compile here, which loads its builtins library.
    /// </summary>
    public static NvrtcResult CompileProbe() =>
        Compile("extern \"C\" __global__ void dnnc_probe(float* out) { out[threadIdx.x] = 1.0f; }\n", "sm_80", "dnnc_probe.cu");

    private static unsafe NvrtcStatus CompileWithOptions(nint program, IReadOnlyList<string> options)
    {
        var pointers = new nint[options.Count];
        try
        {
            for (int i = 0; i < options.Count; i++) pointers[i] = Marshal.StringToCoTaskMemUTF8(options[i]);
            fixed (nint* p = pointers) return NvrtcNative.CompileProgram(program, options.Count, p);
        }
        finally
        {
            foreach (nint p in pointers) Marshal.FreeCoTaskMem(p);
        }
    }

    private static unsafe string ReadLog(nint program)
    {
        NvrtcNative.Check(NvrtcNative.GetProgramLogSize(program, out nuint size), "nvrtcGetProgramLogSize");
        var bytes = new byte[(int)size];
        fixed (byte* p = bytes) NvrtcNative.Check(NvrtcNative.GetProgramLog(program, p), "nvrtcGetProgramLog");
        return TrimNul(bytes);
    }

    private static string TryReadLog(nint program)
    {
        try
        {
            return ReadLog(program);
        }
        catch (NvrtcException)
        {
            return ""; // The compile's own status is the error to report, with or without a log.
        }
    }

    private static unsafe byte[] ReadCubin(nint program, string log)
    {
        NvrtcNative.Check(NvrtcNative.GetCubinSize(program, out nuint size), "nvrtcGetCUBINSize", log);
        var bytes = new byte[(int)size];
        fixed (byte* p = bytes) NvrtcNative.Check(NvrtcNative.GetCubin(program, p), "nvrtcGetCUBIN", log);
        return bytes;
    }

    /// <summary>PTX from the same compile; NVRTC versions that drop it for sm_XX give "".</summary>
    private static unsafe string ReadPtx(nint program)
    {
        if (NvrtcNative.GetPtxSize(program, out nuint size) != NvrtcStatus.Success || size <= 1) return "";
        var bytes = new byte[(int)size];
        fixed (byte* p = bytes)
            if (NvrtcNative.GetPtx(program, p) != NvrtcStatus.Success) return "";
        return TrimNul(bytes);
    }

    private static string TrimNul(byte[] bytes)
    {
        int length = Array.IndexOf(bytes, (byte)0);
        return Encoding.UTF8.GetString(bytes, 0, length < 0 ? bytes.Length : length);
    }
}
