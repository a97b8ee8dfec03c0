namespace DnnC.Compiler.Tests.TestSupport;

public static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    public static string Example(string name) => Path.Combine(Root, "examples", name, name + ".dnn");

    public static IEnumerable<string> ExampleNames() =>
        Directory.GetDirectories(Path.Combine(Root, "examples"))
            .Where(d => File.Exists(Path.Combine(d, Path.GetFileName(d) + ".dnn")))
            .Select(d => Path.GetFileName(d)!)
            .OrderBy(n => n);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DnnC.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("DnnC.sln not found above the test directory");
    }
}
