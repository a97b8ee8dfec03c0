using System.Text;

namespace DnnC.Compiler.Tests.Golden;

/// <summary>
/// Compares text with a baseline under Golden/baselines/. Set DNNC_UPDATE_GOLDEN=1 to rewrite
/// the baselines instead (then review the diff in git).
/// </summary>
public static class GoldenFile
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string BaselineDirectory => Path.Combine(RepositoryRoot, "tests", "DnnC.Compiler.Tests", "Golden", "baselines");

    public static void AssertMatches(string relativePath, string actual)
    {
        string path = Path.Combine(BaselineDirectory, relativePath);
        actual = Normalize(actual);
        if (Environment.GetEnvironmentVariable("DNNC_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }
        if (!File.Exists(path))
            Assert.Fail($"baseline {relativePath} does not exist; run with DNNC_UPDATE_GOLDEN=1 to create it. Actual:\n{actual}");
        string expected = Normalize(File.ReadAllText(path));
        if (expected != actual)
            Assert.Fail($"output differs from baseline {relativePath} (- baseline, + actual):\n{Diff(expected, actual)}");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n");

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DnnC.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no DnnC.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>A line diff from the longest common subsequence, with two lines of context.</summary>
    public static string Diff(string expected, string actual)
    {
        string[] a = expected.Split('\n'), b = actual.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (int i = a.Length - 1; i >= 0; i--)
            for (int j = b.Length - 1; j >= 0; j--)
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);

        var lines = new List<(char Tag, string Text)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y]) { lines.Add((' ', a[x])); x++; y++; }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y])) lines.Add(('+', b[y++]));
            else lines.Add(('-', a[x++]));
        }

        var sb = new StringBuilder();
        for (int i = 0; i < lines.Count; i++)
        {
            bool near = Enumerable.Range(Math.Max(0, i - 2), Math.Min(lines.Count, i + 3) - Math.Max(0, i - 2)).Any(k => lines[k].Tag != ' ');
            if (near) sb.Append(lines[i].Tag).Append(' ').Append(lines[i].Text).Append('\n');
        }
        return sb.ToString();
    }
}
