using DnnC.Runtime.Cuda;

namespace DnnC.Runtime.Tests.Cuda;

public sealed class CompileCacheTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dnnc-cache-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private static string Source(float value) =>
        $"extern \"C\" __global__ void k0(float* out) {{ out[threadIdx.x] = {value:R}f; }}\n";

    [NvrtcFact]
    public void SecondCompileOfTheSameSourceIsAHitWithIdenticalResult()
    {
        var cache = new CompileCache(_directory);
        var first = cache.Compile(Source(1.5f), "sm_80", "a.cu", out bool firstHit);
        var second = cache.Compile(Source(1.5f), "sm_80", "a.cu", out bool secondHit);
        Assert.False(firstHit);
        Assert.True(secondHit);
        Assert.Equal(first.Cubin, second.Cubin);
        Assert.Equal(first.Ptx, second.Ptx);
        Assert.Equal(first.Log, second.Log);
        Assert.Equal(first.Kernels, second.Kernels);
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [NvrtcFact]
    public void ChangedSourceOrArchitectureMisses()
    {
        var cache = new CompileCache(_directory);
        cache.Compile(Source(1.5f), "sm_80", "a.cu");
        cache.Compile(Source(2.5f), "sm_80", "a.cu", out bool otherSource);
        cache.Compile(Source(1.5f), "sm_90", "a.cu", out bool otherArch);
        Assert.False(otherSource);
        Assert.False(otherArch);
        Assert.Equal(3, Directory.GetFiles(_directory, "*.cubin").Length);
    }

    [Fact]
    public void KeyDependsOnEveryField()
    {
        string[] options = ["-a"];
        string key = CompileCache.Key("src", "sm_80", options, (11, 8));
        Assert.Equal(64, key.Length);
        Assert.Equal(key, CompileCache.Key("src", "sm_80", ["-a"], (11, 8)));
        Assert.NotEqual(key, CompileCache.Key("src2", "sm_80", options, (11, 8)));
        Assert.NotEqual(key, CompileCache.Key("src", "sm_90", options, (11, 8)));
        Assert.NotEqual(key, CompileCache.Key("src", "sm_80", ["-b"], (11, 8)));
        Assert.NotEqual(key, CompileCache.Key("src", "sm_80", options, (12, 0)));
        Assert.NotEqual(CompileCache.Key("ab", "sm_80", options, (11, 8)), CompileCache.Key("a", "bsm_80", options, (11, 8)));
    }

    [Fact]
    public void IncompleteEntryIsAMiss()
    {
        var cache = new CompileCache(_directory);
        var result = new NvrtcResult([1, 2, 3], "ptx", "log", []);
        cache.Put("abc", result);
        Assert.True(cache.TryGet("abc", out var cached));
        Assert.Equal(result.Cubin, cached!.Cubin);
        File.Delete(Path.Combine(_directory, "abc.log"));
        Assert.False(cache.TryGet("abc", out _));
    }

    [Fact]
    public void DefaultDirectoryHonoursTheEnvironmentOverride()
    {
        string? saved = Environment.GetEnvironmentVariable(CompileCache.DirectoryVariable);
        try
        {
            Environment.SetEnvironmentVariable(CompileCache.DirectoryVariable, _directory);
            Assert.Equal(_directory, new CompileCache().Directory);
            Environment.SetEnvironmentVariable(CompileCache.DirectoryVariable, null);
            Assert.EndsWith(Path.Combine(".cache", "dnnc", "kernels"), CompileCache.DefaultDirectory());
        }
        finally
        {
            Environment.SetEnvironmentVariable(CompileCache.DirectoryVariable, saved);
        }
    }
}
