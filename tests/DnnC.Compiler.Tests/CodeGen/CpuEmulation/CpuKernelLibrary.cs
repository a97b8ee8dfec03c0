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

    /// <summary>Runs <paramref name="kernel"/> on <paramref name="buffers"/> (output first) with its own launch config.</summary>
    public void Run(PlanKernel kernel, float[][] buffers)
    {
        var launch = kernel.Launch;
        if (launch.BlockY != 1 || launch.BlockZ != 1) throw new NotSupportedException("emulator runs 1-D blocks only");
        nint function = NativeLibrary.GetExport(_handle, kernel.Function);
        var handles = buffers.Select(b => GCHandle.Alloc(b, GCHandleType.Pinned)).ToArray();
        try
        {
            var pointers = stackalloc float*[buffers.Length];
            for (int i = 0; i < buffers.Length; i++) pointers[i] = (float*)handles[i].AddrOfPinnedObject();
            _emulate(function, buffers.Length, pointers, launch.GridX, launch.GridY, launch.GridZ, launch.BlockX);
        }
        finally
        {
            foreach (var handle in handles) handle.Free();
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

    public void Dispose()
    {
        NativeLibrary.Free(_handle);
        Directory.Delete(_directory, recursive: true);
    }
}
