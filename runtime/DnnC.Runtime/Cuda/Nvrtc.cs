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

    public static NvrtcResult Compile(string source, string arch, string programName)
    {
        var options = Options(arch);
        CudaLibraryResolver.Load(CudaLibraryResolver.Nvrtc);
        unsafe
        {
            NvrtcNative.Check(NvrtcNative.CreateProgram(out nint program, source, programName, 0, null, null), "nvrtcCreateProgram");
            try
            {
                var status = CompileWithOptions(program, options);
                string log = ReadLog(program);
                if (status == NvrtcStatus.Compilation)
                    throw new NvrtcCompileException(programName, log, NvrtcErrorLocator.KernelsWithErrors(source, log));
                NvrtcNative.Check(status, "nvrtcCompileProgram");
                return new NvrtcResult(ReadCubin(program), ReadPtx(program), log, PtxasLog.Parse(log));
            }
            finally
            {
                NvrtcNative.DestroyProgram(ref program);
            }
        }
    }

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

    private static unsafe byte[] ReadCubin(nint program)
    {
        NvrtcNative.Check(NvrtcNative.GetCubinSize(program, out nuint size), "nvrtcGetCUBINSize");
        var bytes = new byte[(int)size];
        fixed (byte* p = bytes) NvrtcNative.Check(NvrtcNative.GetCubin(program, p), "nvrtcGetCUBIN");
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
