namespace DnnC.Runtime.Cuda;

/// <summary>
/// Which file the dynamic loader really mapped for a library, read from /proc/self/maps: a bare
/// name like libnvrtc.so.12 says nothing about the directory it came from, and NVRTC loads its
/// builtins library by itself, so only the process's own mappings tell. Null off Linux.
/// </summary>
public static class LoadedLibraries
{
    private const string MapsFile = "/proc/self/maps";

    /// <summary>The full path of the mapped file whose name starts with <paramref name="fileNamePrefix"/>.</summary>
    public static string? PathOf(string fileNamePrefix)
    {
        try
        {
            return File.Exists(MapsFile) ? Find(File.ReadAllText(MapsFile), fileNamePrefix) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads lines like "7f2c… r-xp 00000000 08:01 1234   /usr/lib/libnvrtc.so.12": the path is the
    /// sixth field, the rest of the line (it may contain spaces).
    /// </summary>
    public static string? Find(string maps, string fileNamePrefix)
    {
        foreach (string line in maps.Split('\n'))
        {
            int slash = line.IndexOf(" /", StringComparison.Ordinal);
            if (slash < 0) continue;
            string path = line[(slash + 1)..].TrimEnd('\r');
            if (path.EndsWith(" (deleted)", StringComparison.Ordinal)) continue;
            if (Path.GetFileName(path).StartsWith(fileNamePrefix, StringComparison.Ordinal)) return path;
        }
        return null;
    }
}
