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

    [Fact]
    public void The_driver_is_probed_by_soname_then_in_the_driver_folders_and_never_as_the_toolkit_stub()
    {
        var candidates = CudaLibraryResolver.CandidatesFor(CudaLibraryResolver.Driver).ToList();
        Assert.Equal("libcuda.so.1", candidates[0]);
        string[] folders = ["/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib/wsl/lib", "/usr/local/cuda/compat"];
        var positions = folders.Select(f => candidates.IndexOf($"{f}/libcuda.so.1")).ToList();
        Assert.All(positions, p => Assert.True(p > 0, string.Join(", ", candidates)));
        Assert.Equal(positions.Order(), positions); // the toolkit's compat driver last of all
        Assert.DoesNotContain(candidates, c => c.Contains("stubs"));
        Assert.DoesNotContain("libcuda.so", candidates); // unversioned: resolves to the stub where the stubs are on the path
    }

    [Fact]
    public void The_nvrtc_override_is_the_only_candidate_and_leaves_the_driver_alone()
    {
        Assert.Equal(["/opt/x/libnvrtc.so.12"], CudaLibraryResolver.CandidatesFor(CudaLibraryResolver.Nvrtc, "/opt/x/libnvrtc.so.12"));
        Assert.Contains("libnvrtc.so.13", CudaLibraryResolver.CandidatesFor(CudaLibraryResolver.Nvrtc, ""));
        Assert.Equal(CudaLibraryResolver.CandidatesFor(CudaLibraryResolver.Driver, null),
            CudaLibraryResolver.CandidatesFor(CudaLibraryResolver.Driver, "/opt/x/libnvrtc.so.12"));
    }

    /// <summary>A directory holding empty files with these names (and symlinks, "name->target").</summary>
    private static string FakeLibDirectory(params string[] names)
    {
        string dir = Path.Combine(Path.GetTempPath(), "dnnc-libs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        foreach (string name in names)
        {
            if (name.Split("->") is [var link, var target]) File.CreateSymbolicLink(Path.Combine(dir, link), target);
            else File.WriteAllBytes(Path.Combine(dir, name), []);
        }
        return dir;
    }

    [Fact]
    public void The_builtins_beside_nvrtc_are_those_of_its_major_version()
    {
        string dir = FakeLibDirectory("libnvrtc.so.12", "libnvrtc.so.13", "libnvrtc-builtins.so.12.4", "libnvrtc-builtins.so.13.0",
            "libnvrtc-builtins.so.11.8", "libnvrtc-builtins.so.12.x");
        Assert.Equal(Path.Combine(dir, "libnvrtc-builtins.so.12.4"), NvrtcBuiltins.Beside(Path.Combine(dir, "libnvrtc.so.12")));
        Assert.Equal(Path.Combine(dir, "libnvrtc-builtins.so.13.0"), NvrtcBuiltins.Beside(Path.Combine(dir, "libnvrtc.so.13")));
        // Debian: the soname says 11.2, the builtins 11.8; the major version is what must match.
        Assert.Equal(Path.Combine(dir, "libnvrtc-builtins.so.11.8"), NvrtcBuiltins.Beside(Path.Combine(dir, "libnvrtc.so.11.2")));
    }

    [Fact]
    public void A_symlinked_nvrtc_prefers_the_builtins_of_its_real_minor_version()
    {
        string dir = FakeLibDirectory("libnvrtc.so.12.4.127", "libnvrtc.so.12->libnvrtc.so.12.4.127",
            "libnvrtc-builtins.so.12.4", "libnvrtc-builtins.so.12.6");
        Assert.Equal(Path.Combine(dir, "libnvrtc-builtins.so.12.4"), NvrtcBuiltins.Beside(Path.Combine(dir, "libnvrtc.so.12")));
        Assert.Equal(Path.Combine(dir, "libnvrtc-builtins.so.12.4"), NvrtcBuiltins.Beside(Path.Combine(dir, "libnvrtc.so.12.4.127")));
    }

    [Fact]
    public void Without_builtins_of_its_version_or_a_directory_there_is_nothing_to_preload()
    {
        string dir = FakeLibDirectory("libnvrtc.so.13", "libnvrtc-builtins.so.12.4");
        Assert.Null(NvrtcBuiltins.Beside(Path.Combine(dir, "libnvrtc.so.13")));
        Assert.Null(NvrtcBuiltins.Beside("libnvrtc.so.13"));                      // a bare name: the loader finds both
        Assert.Null(NvrtcBuiltins.Beside($"/nonexistent-{Guid.NewGuid():N}/libnvrtc.so.13"));
    }

    [Fact]
    public void The_mapped_file_of_a_library_is_read_from_the_process_maps()
    {
        const string maps = """
            55d4c0a00000-55d4c0a01000 r--p 00000000 08:01 1311 /usr/share/dotnet/dotnet
            7f2c10000000-7f2c12000000 r-xp 00000000 08:01 2201   /usr/lib/x86_64-linux-gnu/libnvrtc.so.11.8.89
            7f2c13000000-7f2c14000000 r-xp 00000000 08:01 2202   /opt/cuda dir/lib64/libnvrtc-builtins.so.11.8
            7f2c15000000-7f2c15001000 rw-p 00000000 00:00 0      [heap]
            7f2c16000000-7f2c16001000 r-xp 00000000 08:01 2203   /tmp/libcuda.so.1 (deleted)
            """;
        Assert.Equal("/usr/lib/x86_64-linux-gnu/libnvrtc.so.11.8.89", LoadedLibraries.Find(maps, "libnvrtc.so"));
        Assert.Equal("/opt/cuda dir/lib64/libnvrtc-builtins.so.11.8", LoadedLibraries.Find(maps, "libnvrtc-builtins.so"));
        Assert.Null(LoadedLibraries.Find(maps, "libcuda.so"));
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
