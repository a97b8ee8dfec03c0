using System.Diagnostics;

namespace DnnC.EndToEnd.Tests;

/// <summary>
/// scripts/gpu-check.sh runs on a GPU machine without .NET, so it has to work the first time: its
/// dry run (sim for cuda, the reference executor for sim) runs here, on one example, against the
/// dnnc built next to these tests.
/// </summary>
public class GpuCheckScriptTests
{
    private static CliResult Bash(string script, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Cli.RepoRoot };
        info.ArgumentList.Add(Path.Combine(Cli.RepoRoot, "scripts", script));
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>A stand-in for the self-contained executable: runs the framework-dependent dnnc.dll.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static string DnncWrapper(string dir)
    {
        string path = Path.Combine(dir, "dnnc");
        File.WriteAllText(path, $"#!/bin/sh\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "dnnc.dll")}' \"$@\"\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public void Dry_run_builds_runs_compares_and_times_an_example_and_passes()
    {
        if (!OperatingSystem.IsLinux()) return;
        string dir = Cli.TempDir();
        var result = Bash("gpu-check.sh", new Dictionary<string, string>
        {
            ["DNNC"] = DnncWrapper(dir),
            ["DNNC_GPU_CHECK_DRY_RUN"] = "1",
            ["DNNC_GPU_CHECK_ONLY"] = "examples/mlp/",
            ["DNNC_GPU_CHECK_ITERS"] = "2",
        }, Path.Combine(dir, "check"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("gpu-check: all checks passed", result.Stdout);
        Assert.Contains("SKIP: single-tile mma.sp test", result.Stdout);
        var rows = File.ReadAllLines(Path.Combine(dir, "check", "results.tsv"));
        Assert.Equal(2, rows.Length);
        var mlp = rows[1].Split('\t');
        Assert.Equal(["mlp", "ok", "1"], mlp[..3]);
        Assert.True(double.Parse(mlp[4], System.Globalization.CultureInfo.InvariantCulture) <= 1e-4, rows[1]);
        Assert.True(double.Parse(mlp[5], System.Globalization.CultureInfo.InvariantCulture) > 0, rows[1]);
        Assert.Equal("ok", mlp[6]);
        Assert.True(File.Exists(Path.Combine(dir, "check", "models", "mlp", "build", "kernels.sm_90.cubin")));
    }

    [Fact]
    public void A_difference_over_the_tolerance_fails_the_check()
    {
        if (!OperatingSystem.IsLinux()) return;
        string dir = Cli.TempDir();
        string dnnc = DnncWrapper(dir);
        // The same dnnc, except that compare accepts no difference at all: sim and the reference always differ a little.
        string strict = Path.Combine(dir, "dnnc-strict");
        File.WriteAllText(strict, $"#!/bin/sh\nif [ \"$1\" = compare ]; then exec '{dnnc}' compare \"$2\" \"$3\" --max-rel-l2 1e-12; fi\nexec '{dnnc}' \"$@\"\n");
        File.SetUnixFileMode(strict, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var result = Bash("gpu-check.sh", new Dictionary<string, string>
        {
            ["DNNC"] = strict,
            ["DNNC_GPU_CHECK_DRY_RUN"] = "1",
            ["DNNC_GPU_CHECK_ONLY"] = "examples/mlp/",
            ["DNNC_GPU_CHECK_ITERS"] = "1",
        }, Path.Combine(dir, "check"));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("FAIL: mlp: sim and reference differ", result.Stdout);
        Assert.EndsWith("\tFAIL", File.ReadAllLines(Path.Combine(dir, "check", "results.tsv"))[1]);
    }

    [Fact]
    public void Without_the_published_dnnc_the_check_says_how_to_make_it()
    {
        string dir = Cli.TempDir();
        var result = Bash("gpu-check.sh", new Dictionary<string, string> { ["DNNC"] = Path.Combine(dir, "missing", "dnnc") }, Path.Combine(dir, "check"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("scripts/gpu-publish.sh", result.Stderr);
    }
}
