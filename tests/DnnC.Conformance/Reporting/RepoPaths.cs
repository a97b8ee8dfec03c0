namespace DnnC.Conformance.Reporting;

/// <summary>The repository root (the directory holding DnnC.sln) and the shared test data beside it.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>../shared from the repository root: test data read in place, never copied in.</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string NodeSuite => Path.Combine(Shared, "onnx", "node-tests.tar.gz");

    public static string ConformanceDoc => Path.Combine(Root, "docs", "conformance.md");

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "DnnC.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("DnnC.sln was not found above the program's directory or the current directory");
    }
}
