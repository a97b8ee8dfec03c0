using System.Diagnostics;
using System.Runtime.InteropServices;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Tests.CodeGen.CpuEmulation;

/// <summary>kernels.cu built with g++ against <see cref="CpuCudaShim"/> into a shared library.</summary>
internal sealed unsafe class CpuKernelLibrary : IDisposable
{
    private readonly nint _handle;
    private readonly string _directory;
    private readonly delegate* unmanaged<nint, int, float**, int, int, int, int, void> _emulate;

    private CpuKernelLibrary(nint handle, string directory)
    {
        _handle = handle;
        _directory = directory;
        _emulate = (delegate* unmanaged<nint, int, float**, int, int, int, int, void>)NativeLibrary.GetExport(handle, "dnnc_emulate");
    }

    public static bool CompilerAvailable(out string reason)
    {
        reason = "g++ with C++20 <barrier> is not on PATH";
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("g++", "--version") { RedirectStandardOutput = true });
            probe!.WaitForExit();
            return probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    public static CpuKernelLibrary Build(string kernelsCu)
    {
        string directory = Path.Combine(Path.GetTempPath(), "dnnc-cpu-emu-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string source = Path.Combine(directory, "emulated.cpp"), library = Path.Combine(directory, "libemulated.so");
        File.WriteAllText(source, CpuCudaShim.Prelude + kernelsCu + CpuCudaShim.Launcher);
        var start = new ProcessStartInfo("g++", $"-std=c++20 -O1 -shared -fPIC -pthread -Wno-unknown-pragmas -o {library} {source}")
        {
            RedirectStandardError = true,
        };
        using var gxx = Process.Start(start)!;
        string errors = gxx.StandardError.ReadToEnd();
        gxx.WaitForExit();
        if (gxx.ExitCode != 0) throw new InvalidOperationException("g++ failed on the emulated kernels:\n" + errors);
        return new CpuKernelLibrary(NativeLibrary.Load(library), directory);
    }

    /// <summary>
    /// Runs <paramref name="kernel"/> on <paramref name="buffers"/> (output first) with its own launch config. The buffers
    /// are copied into 256-byte-aligned memory for the run and back after it, as cuMemAlloc aligns device buffers, so a
    /// kernel's 16-byte vector copies (cp.async) see the alignment they would on the GPU.
    /// </summary>
    public void Run(PlanKernel kernel, float[][] buffers)
    {
        var aligned = new float*[buffers.Length];
        try
        {
            for (int i = 0; i < buffers.Length; i++)
            {
                aligned[i] = (float*)NativeMemory.AlignedAlloc((nuint)Math.Max(4, buffers[i].Length * sizeof(float)), 256);
                buffers[i].AsSpan().CopyTo(new Span<float>(aligned[i], buffers[i].Length));
            }
            Run(kernel, aligned);
            for (int i = 0; i < buffers.Length; i++) new Span<float>(aligned[i], buffers[i].Length).CopyTo(buffers[i]);
        }
        finally
        {
            for (int i = 0; i < aligned.Length; i++)
                if (aligned[i] != null) NativeMemory.AlignedFree(aligned[i]);
        }
    }

    /// <summary>Runs <paramref name="kernel"/> on raw argument pointers (output first), for whole-plan emulation.</summary>
    public void Run(PlanKernel kernel, float*[] pointers)
    {
        var launch = kernel.Launch;
        if (launch.BlockY != 1 || launch.BlockZ != 1) throw new NotSupportedException("emulator runs 1-D blocks only");
        nint function = NativeLibrary.GetExport(_handle, kernel.Function);
        fixed (float** args = pointers)
            _emulate(function, pointers.Length, args, launch.GridX, launch.GridY, launch.GridZ, launch.BlockX);
    }

    /// <summary>Misuses the twin's instruction models counted (a misaligned or oversized cp.async, ...).</summary>
    public int TwinErrors() => ((delegate* unmanaged<int>)NativeLibrary.GetExport(_handle, "dnnc_twin_errors"))();

    public void Dispose()
    {
        NativeLibrary.Free(_handle);
        Directory.Delete(_directory, recursive: true);
    }
}
