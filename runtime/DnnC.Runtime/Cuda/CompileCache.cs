using System.Security.Cryptography;
using System.Text;

namespace DnnC.Runtime.Cuda;

/// <summary>
/// Compiled cubins on disk, keyed by SHA-256 of (source, options, arch, NVRTC version), so that a
/// rebuild of an unchanged model skips NVRTC. Each entry is three files named by the key (.cubin,
/// .ptx, .log); each is written to a temp file and moved into place, and the cubin goes last, so
/// a reader never sees a half-written entry as complete.
/// </summary>
public sealed class CompileCache(string? directory = null)
{
    public const string DirectoryVariable = "DNNC_CACHE_DIR";

    public string Directory { get; } = directory ?? DefaultDirectory();

    public static string DefaultDirectory()
    {
        string? overridden = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (!string.IsNullOrWhiteSpace(overridden)) return overridden;
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".cache", "dnnc", "kernels");
    }

    public static string Key(string source, string arch, IReadOnlyList<string> options, (int Major, int Minor) nvrtcVersion)
    {
        // Length-prefixed fields, so that moving text between fields changes the key.
        var text = new StringBuilder();
        foreach (string field in new[] { source, arch, string.Join("\n", options), $"{nvrtcVersion.Major}.{nvrtcVersion.Minor}" })
            text.Append(field.Length).Append(':').Append(field).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Returns the cached compile of <paramref name="source"/> or compiles and stores it.</summary>
    public NvrtcResult Compile(string source, string arch, string programName) =>
        Compile(source, arch, programName, out _);

    public NvrtcResult Compile(string source, string arch, string programName, out bool hit)
    {
        string key = Key(source, arch, Nvrtc.Options(arch), Nvrtc.Version());
        hit = TryGet(key, out var cached);
        if (hit) return cached!;
        var result = Nvrtc.Compile(source, arch, programName);
        Put(key, result);
        return result;
    }

    public bool TryGet(string key, out NvrtcResult? result)
    {
        result = null;
        string cubin = PathFor(key, ".cubin"), ptx = PathFor(key, ".ptx"), log = PathFor(key, ".log");
        if (!File.Exists(cubin) || !File.Exists(ptx) || !File.Exists(log)) return false;
        try
        {
            string logText = File.ReadAllText(log);
            result = new NvrtcResult(File.ReadAllBytes(cubin), File.ReadAllText(ptx), logText, PtxasLog.Parse(logText));
            return true;
        }
        catch (IOException)
        {
            return false; // Evicted or replaced while reading: treat as a miss and recompile.
        }
    }

    public void Put(string key, NvrtcResult result)
    {
        System.IO.Directory.CreateDirectory(Directory);
        WriteAtomically(PathFor(key, ".ptx"), Encoding.UTF8.GetBytes(result.Ptx));
        WriteAtomically(PathFor(key, ".log"), Encoding.UTF8.GetBytes(result.Log));
        WriteAtomically(PathFor(key, ".cubin"), result.Cubin);
    }

    private string PathFor(string key, string extension) => Path.Combine(Directory, key + extension);

    private static void WriteAtomically(string path, byte[] bytes)
    {
        string temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }
}
