namespace DnnC.Gpu.Tests;

/// <summary>
/// The repository's files. Here the tests run from bin/ inside the repository; on the GPU machine the
/// published program runs from a work folder, started by scripts/gpu-check.sh in the repository root.
/// </summary>
public static class RepoFiles
{
    public static string Root { get; } = Find(AppContext.BaseDirectory) ?? Find(Environment.CurrentDirectory)
        ?? throw new InvalidOperationException($"DnnC.sln not found above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}");

    public static string Example(string name) => Path.Combine(Root, "examples", name, name + ".dnn");

    private static string? Find(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DnnC.sln"))) return dir.FullName;
        return null;
    }
}
