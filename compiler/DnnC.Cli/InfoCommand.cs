using System.CommandLine;
using DnnC.Runtime.Cuda;

namespace DnnC.Cli;

/// <summary>
/// <c>dnnc info</c>: the CUDA toolchain and GPU this machine offers, one "key: value" line each,
/// as <c>run --backend cuda</c> would use them. Absence is reported, not an error: exit 0.
/// </summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "print the NVRTC, CUDA driver and GPU that --backend cuda would use");
        command.SetAction(_ => CommandRunner.Guard(() =>
        {
            if (Nvrtc.IsAvailable(out string nvrtcReason))
            {
                var (major, minor) = Nvrtc.Version();
                Console.WriteLine($"nvrtc: {major}.{minor} ({CudaLibraryResolver.LoadedFile(CudaLibraryResolver.Nvrtc)})");
            }
            else
            {
                Console.WriteLine($"nvrtc: not available: {nvrtcReason}");
            }
            Console.WriteLine($"compile-cache: {CompileCache.DefaultDirectory()}");
            if (!CudaDevice.TryOpen(0, out var device, out string reason))
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
}
