using DnnC.Runtime.Cuda;

namespace DnnC.Runtime.Tests.Cuda;

/// <summary>The library resolver, exercised with libraries that do and do not exist on every Linux machine.</summary>
public class CudaLibraryResolverTests
{
    [Fact]
    public void Probing_names_that_do_not_exist_fails_with_every_name_in_the_reason()
    {
        string[] names = [$"libdnnc-missing-{Guid.NewGuid():N}.so.1", "/nonexistent/libcuda.so.1"];
        Assert.False(CudaLibraryResolver.TryLoadFirst(names, out nint handle, out string file, out string reason));
        Assert.Equal(0, handle);
        Assert.Equal("", file);
        Assert.All(names, n => Assert.Contains(n, reason));
        Assert.Contains("LD_LIBRARY_PATH", reason);
    }

    [Fact]
    public void Probing_stops_at_the_first_library_that_loads_and_names_it()
    {
        if (!OperatingSystem.IsLinux()) return;
        string[] names = [$"libdnnc-missing-{Guid.NewGuid():N}.so", "libc.so.6", "libm.so.6"];
        Assert.True(CudaLibraryResolver.TryLoadFirst(names, out nint handle, out string file, out string reason), reason);
        Assert.NotEqual(0, handle);
        Assert.Equal("libc.so.6", file);
    }

    [Fact]
    public void Nvrtc_is_also_probed_in_the_toolkit_default_directory_after_the_loader_path()
    {
        var candidates = CudaLibraryResolver.CandidatesFor(CudaLibraryResolver.Nvrtc);
        int bare = candidates.ToList().IndexOf("libnvrtc.so");
        int toolkit = candidates.ToList().IndexOf("/usr/local/cuda/lib64/libnvrtc.so.13");
        Assert.True(bare >= 0 && toolkit > bare, string.Join(", ", candidates));
    }

    [NvrtcFact]
    public void The_loaded_nvrtc_file_is_reported()
    {
        CudaLibraryResolver.Load(CudaLibraryResolver.Nvrtc);
        string? file = CudaLibraryResolver.LoadedFile(CudaLibraryResolver.Nvrtc);
        Assert.Contains(file, CudaLibraryResolver.CandidatesFor(CudaLibraryResolver.Nvrtc));
    }

    [Fact]
    public void Without_a_driver_the_driver_is_reported_as_not_loaded()
    {
        if (CudaLibraryResolver.TryLoad(CudaLibraryResolver.Driver, out _, out _)) return; // a GPU machine: covered by the GPU tests
        Assert.Null(CudaLibraryResolver.LoadedFile(CudaLibraryResolver.Driver));
    }
}
