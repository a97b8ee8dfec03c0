using System.Diagnostics;

namespace DnnC.EndToEnd.Tests;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the real dnnc (built next to the tests) as a child process, as a user would.</summary>
public static class Cli
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static CliResult Run(params string[] args) => Run(new Dictionary<string, string>(), args);

    /// <summary>Runs dnnc with extra environment variables set for the child process only.</summary>
    public static CliResult Run(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Exec("dotnet", [Path.Combine(AppContext.BaseDirectory, "dnnc.dll"), .. args], environment, RepoRoot);

    /// <summary>Runs any program to its end and keeps what it printed.</summary>
    public static CliResult Exec(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? RepoRoot,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "dnnc-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static string Example(string name) => Path.Combine(RepoRoot, "examples", name, name + ".dnn");

    public static IEnumerable<string> ExampleNames() =>
        Directory.GetDirectories(Path.Combine(RepoRoot, "examples"))
            .Where(d => File.Exists(Path.Combine(d, Path.GetFileName(d) + ".dnn")))
            .Select(Path.GetFileName)
            .OrderBy(n => n)!;

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DnnC.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("DnnC.sln not found above the test directory");
    }
}
