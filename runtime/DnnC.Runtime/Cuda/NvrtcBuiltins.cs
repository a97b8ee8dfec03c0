using System.Globalization;

namespace DnnC.Runtime.Cuda;

/// <summary>
/// NVRTC loads libnvrtc-builtins.so.MAJOR.MINOR by bare name when it compiles. Loaded from a
/// directory the loader does not search (a toolkit's lib64, a pip wheel), NVRTC then fails with
/// NVRTC_ERROR_BUILTIN_OPERATION_FAILURE. Loading the builtins library beside it first, by full
/// path, puts its soname in the process, and the loader uses that. This picks the file.
/// </summary>
public static class NvrtcBuiltins
{
    private const string NvrtcPrefix = "libnvrtc.so";
    private const string BuiltinsPrefix = "libnvrtc-builtins.so.";

    /// <summary>
    /// The builtins library in the directory of <paramref name="nvrtcPath"/> for the same NVRTC:
    /// same major version (Debian's libnvrtc.so.11.2 is NVRTC 11.8 with builtins 11.8), preferring
    /// the same minor when the NVRTC file (or the file its symlink names) says it, then the newest.
    /// Null when <paramref name="nvrtcPath"/> has no directory or none is there.
    /// </summary>
    public static string? Beside(string nvrtcPath)
    {
        string? directory = Path.GetDirectoryName(nvrtcPath);
        if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory)) return null;
        int[] nvrtc = NvrtcVersion(nvrtcPath);
        var found = Directory.EnumerateFiles(directory, BuiltinsPrefix + "*")
            .Select(path => (Path: path, Version: VersionAfter(Path.GetFileName(path), BuiltinsPrefix)))
            .Where(b => b.Version.Length > 0 && (nvrtc.Length == 0 || b.Version[0] == nvrtc[0]))
            .ToList();
        return found
            .OrderByDescending(b => nvrtc.Length >= 2 && b.Version.Length >= 2 && b.Version[1] == nvrtc[1])
            .ThenByDescending(b => b.Version, VersionComparer.Instance)
            .ThenBy(b => b.Path, StringComparer.Ordinal)
            .Select(b => b.Path)
            .FirstOrDefault();
    }

    /// <summary>The version in the NVRTC file's name, or in its symlink's target when that says more.</summary>
    private static int[] NvrtcVersion(string nvrtcPath)
    {
        int[] named = VersionAfter(Path.GetFileName(nvrtcPath), NvrtcPrefix + ".");
        try
        {
            if (File.ResolveLinkTarget(nvrtcPath, returnFinalTarget: true) is { } target)
            {
                int[] real = VersionAfter(target.Name, NvrtcPrefix + ".");
                if (real.Length > named.Length && (named.Length == 0 || real[0] == named[0])) return real;
            }
        }
        catch (IOException)
        {
            // Unreadable link: the name's own version will do.
        }
        return named;
    }

    /// <summary>"libnvrtc-builtins.so.12.4.127" after its prefix → [12, 4, 127]; [] when not all numbers.</summary>
    internal static int[] VersionAfter(string fileName, string prefix)
    {
        if (!fileName.StartsWith(prefix, StringComparison.Ordinal) || fileName.Length == prefix.Length) return [];
        var parts = fileName[prefix.Length..].Split('.');
        var numbers = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i])) return [];
        return numbers;
    }

    private sealed class VersionComparer : IComparer<int[]>
    {
        public static readonly VersionComparer Instance = new();

        public int Compare(int[]? x, int[]? y)
        {
            x ??= [];
            y ??= [];
            for (int i = 0; i < Math.Min(x.Length, y.Length); i++)
                if (x[i] != y[i]) return x[i].CompareTo(y[i]);
            return x.Length.CompareTo(y.Length);
        }
    }
}
