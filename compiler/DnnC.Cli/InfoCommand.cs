using System.CommandLine;
using DnnC.Runtime.Cuda;

namespace DnnC.Cli;

/// <summary>
/// <c>dnnc info</c>: the CUDA toolchain and GPU this machine offers, one "key: value" line each,
/// as <c>run --backend cuda</c> would use them. Absence is reported, not an error: exit 0. The
/// files printed are the ones the loader really mapped, so a log of it shows what was loaded.
/// </summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "print the NVRTC, CUDA driver and GPU that --backend cuda would use");
        command.SetAction(_ => CommandRunner.Guard(() =>
        {
            PrintNvrtc();
            Console.WriteLine($"compile-cache: {CompileCache.DefaultDirectory()}");
            bool opened = CudaDevice.TryOpen(0, out var device, out string reason);
            if (CudaLibraryResolver.LoadedFile(CudaLibraryResolver.Driver) is { } driverFile)
                Console.WriteLine($"cuda-library: {LoadedLibraries.PathOf("libcuda.so") ?? driverFile}");
            if (!opened)
            {
                Console.WriteLine($"gpu: none: {reason}");
                return ExitCodes.Ok;
            }
            using (device)
            {
                var d = device!.Info;
                Console.WriteLine($"driver: {d.DriverText} ({CudaLibraryResolver.LoadedFile(CudaLibraryResolver.Driver)})");
                Console.WriteLine($"gpu: {d.Name}");
                Console.WriteLine($"arch: {d.Arch}");
                Console.WriteLine($"compile-arch: {CudaBackend.CompileArch(d)}");
                Console.WriteLine($"sms: {d.SmCount}");
                Console.WriteLine($"max-threads-per-sm: {d.MaxThreadsPerSm}");
                Console.WriteLine($"max-blocks-per-sm: {d.MaxBlocksPerSm}");
                Console.WriteLine($"shared-bytes-per-sm: {d.SharedBytesPerSm}");
                Console.WriteLine($"registers-per-sm: {d.RegistersPerSm}");
                Console.WriteLine($"memory-bytes: {d.TotalBytes}");
                Console.WriteLine($"free-bytes: {device.FreeBytes()}");
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>
    /// The version, the file loaded, a test compile (NVRTC loads its builtins library only when it
    /// compiles, and a missing one fails only then) and the builtins file it used.
    /// </summary>
    private static void PrintNvrtc()
    {
        if (!Nvrtc.IsAvailable(out string nvrtcReason))
        {
            Console.WriteLine($"nvrtc: not available: {nvrtcReason}");
            return;
        }
        var (major, minor) = Nvrtc.Version();
        string? file = CudaLibraryResolver.LoadedFile(CudaLibraryResolver.Nvrtc);
        Console.WriteLine($"nvrtc: {major}.{minor} ({file})");
        Console.WriteLine($"nvrtc-library: {LoadedLibraries.PathOf("libnvrtc.so") ?? file}");
        try
        {
            Nvrtc.CompileProbe();
            Console.WriteLine("nvrtc-compile: ok (a probe kernel for sm_80)");
        }
        catch (NvrtcException e)
        {
            Console.WriteLine($"nvrtc-compile: failed: {e.Message.ReplaceLineEndings(" | ")}");
        }
        string? preloaded = CudaLibraryResolver.PreloadedNvrtcBuiltins;
        string? builtins = LoadedLibraries.PathOf("libnvrtc-builtins.so") ?? preloaded;
        Console.WriteLine($"nvrtc-builtins: {builtins ?? "not loaded"}{(builtins is not null && builtins == preloaded ? " (loaded beside NVRTC)" : "")}");
    }
}
