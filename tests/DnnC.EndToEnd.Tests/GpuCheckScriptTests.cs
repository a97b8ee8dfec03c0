using System.Diagnostics;

namespace DnnC.EndToEnd.Tests;

/// <summary>
/// scripts/gpu-check.sh runs on a GPU machine without .NET, so it has to work the first time: its
/// dry run (sim for cuda, the reference executor for sim) runs here, on one example, against the
/// dnnc built next to these tests.
/// </summary>
public class GpuCheckScriptTests
{
    private static CliResult Bash(string script, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Cli.Exec("bash", [Path.Combine(Cli.RepoRoot, "scripts", script), .. args], environment);

    /// <summary>A stand-in for the self-contained executable: runs the framework-dependent dnnc.dll.</summary>
    private static string DncWrapperOrSkip(string dir) => OperatingSystem.IsLinux() ? DnncWrapper(dir) : "";

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static string DnncWrapper(string dir)
    {
        string path = Path.Combine(dir, "dnnc");
        File.WriteAllText(path, $"#!/bin/sh\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "dnnc.dll")}' \"$@\"\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>The environment of a dry run on <paramref name="only"/>, with its own models folder and work folder.</summary>
    private static Dictionary<string, string> DryRun(string dir, string dnnc, string only, string iterations = "2")
    {
        string models = Path.Combine(dir, "models");
        Directory.CreateDirectory(models);
        // The check reads its models from the folder it is given (.gpu/models when published), never from ../shared.
        File.Copy(Path.Combine(Cli.RepoRoot, "..", "shared", "onnx", "light", "light_squeezenet.onnx"), Path.Combine(models, "light_squeezenet.onnx"));
        return new Dictionary<string, string>
        {
            ["DNNC"] = dnnc,
            ["DNNC_GPU_CHECK_DRY_RUN"] = "1",
            ["DNNC_GPU_MODELS"] = models,
            ["DNNC_GPU_CHECK_WORK"] = Path.Combine(dir, "work"),
            ["DNNC_GPU_CHECK_ONLY"] = only,
            ["DNNC_GPU_CHECK_ITERS"] = iterations,
            ["DNNC_GPU_TESTS"] = $"dotnet {GpuTestProgram()}",
        };
    }

    /// <summary>The GPU test program as the solution's build leaves it (gpu-publish.sh publishes it self-contained).</summary>
    private static string GpuTestProgram()
    {
        string path = Path.Combine(Cli.RepoRoot, "tests", "DnnC.Gpu.Tests", "bin", "Release", "net10.0", "DnnC.Gpu.Tests.dll");
        Assert.True(File.Exists(path), $"{path} is missing: build the solution (dotnet build DnnC.sln -c Release)");
        return path;
    }

    private static string[] Row(string outDir, string model) =>
        File.ReadAllLines(Path.Combine(outDir, "summary.tsv")).Select(l => l.Split('\t')).Single(r => r[0] == model);

    private static IReadOnlyList<string> TarEntries(string archive)
    {
        var list = Cli.Exec("tar", ["-tzf", archive]);
        Assert.True(list.ExitCode == 0, list.ToString());
        return list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void Dry_run_checks_its_models_and_returns_at_most_eight_flat_files()
    {
        if (!OperatingSystem.IsLinux()) return;
        string dir = Cli.TempDir();
        string outDir = Path.Combine(dir, "out");
        var result = Bash("gpu-check.sh", DryRun(dir, DncWrapperOrSkip(dir), "examples/mlp/|squeezenet"), outDir);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("gpu-check: all checks passed", result.Stdout);
        Assert.Contains("SKIP: single-tile mma.sp test", result.Stdout);
        // What comes back from a device call: at most 8 files, no folders.
        var files = Directory.GetFiles(outDir).Select(Path.GetFileName).Order().ToList();
        Assert.Empty(Directory.GetDirectories(outDir));
        Assert.True(files.Count <= 8, string.Join(", ", files));
        Assert.Equal(["device.txt", "fp16.json", "logs.tgz", "pytorch.json", "steps.tsv", "summary.tsv", "summary.txt"], files);
        // Every model at each precision; FP16 and TF32 against the reference answer to the 1e-2 contract.
        foreach (var (model, limit) in new[] { ("mlp-fp32", 1e-4), ("mlp-fp16", 1e-2), ("mlp-tf32", 1e-2),
                     ("light_squeezenet-fp32", 1e-4), ("light_squeezenet-fp16", 1e-2), ("light_squeezenet-tf32", 1e-2) })
        {
            var row = Row(outDir, model);
            Assert.Equal(["ok", "ok", "-", "1"], row[1..5]);
            Assert.True(double.Parse(row[6], System.Globalization.CultureInfo.InvariantCulture) <= limit, string.Join(" ", row));
            Assert.True(double.Parse(row[7], System.Globalization.CultureInfo.InvariantCulture) > 0, string.Join(" ", row));
            Assert.True(double.Parse(row[8], System.Globalization.CultureInfo.InvariantCulture) > 0, string.Join(" ", row));
            Assert.Equal("ok", row[9]);
        }
        Assert.Equal(7, File.ReadAllLines(Path.Combine(outDir, "summary.tsv")).Length);
        // Logs only: no cubins, models or tensors travel back.
        var entries = TarEntries(Path.Combine(outDir, "logs.tgz"));
        Assert.Contains(entries, e => e.EndsWith("/mlp-fp16/build.log", StringComparison.Ordinal));
        Assert.All(entries, e => Assert.True(e.EndsWith(".log") || e.EndsWith(".txt") || e.EndsWith("build-report.json"), e));
        Assert.Contains("summary.tsv", File.ReadAllText(Path.Combine(outDir, "summary.txt")) + "summary.tsv");
        var steps = File.ReadAllLines(Path.Combine(outDir, "steps.tsv")).Skip(1).Select(l => l.Split('\t')[0]).ToList();
        Assert.Equal(["device", "resnet50", "fp16_vs_torch", "models", "gpu_tests", "sanitizer", "mma_sp"], steps);
        // The FP16 step ran DnnC's FP16 GEMM on the stand-in backend.
        Assert.Contains("\"dnnc_tflops\"", File.ReadAllText(Path.Combine(outDir, "fp16.json")));
        // The GPU test program ran, and without a GPU reports its tests skipped with the reason.
        int gpuFacts = Directory.GetFiles(Path.Combine(Cli.RepoRoot, "tests", "DnnC.Gpu.Tests"), "*.cs")
            .Sum(f => File.ReadLines(f).Count(l => l.Trim() == "[GpuFact]"));
        Assert.Contains($"gpu_tests\tSKIP({gpuFacts})", File.ReadAllText(Path.Combine(outDir, "steps.tsv")));
        Assert.Contains("needs a CUDA GPU", result.Stdout);
        Assert.Contains(entries, e => e.EndsWith("logs/gpu-tests.log", StringComparison.Ordinal));
    }

    [Fact]
    public void The_check_reads_nothing_from_the_shared_folder()
    {
        // ../shared never travels to the device; the published .gpu/models holds what the check runs.
        foreach (var script in new[] { "gpu-check.sh", "gpu_check_resnet50.py" })
        {
            var code = File.ReadAllLines(Path.Combine(Cli.RepoRoot, "scripts", script)).Where(l => !l.TrimStart().StartsWith('#'));
            Assert.DoesNotContain(code, l => l.Contains("shared", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_hung_command_is_cut_off_and_the_check_goes_on_and_packages()
    {
        if (!OperatingSystem.IsLinux()) return;
        string dir = Cli.TempDir();
        string dnnc = DncWrapperOrSkip(dir);
        // The same dnnc, except that a timed run hangs.
        string hanging = Path.Combine(dir, "dnnc-hangs");
        File.WriteAllText(hanging, $"#!/bin/sh\ncase \"$*\" in *--bench*) sleep 300;; esac\nexec '{dnnc}' \"$@\"\n");
        File.SetUnixFileMode(hanging, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var environment = DryRun(dir, hanging, "examples/mlp/|squeezenet");
        // Long enough for a build on a loaded CI machine, short enough to keep the test quick.
        environment["DNNC_GPU_CHECK_STEP_TIMEOUT"] = "12";
        string outDir = Path.Combine(dir, "out");
        var clock = Stopwatch.StartNew();
        var result = Bash("gpu-check.sh", environment, outDir);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(240), $"took {clock.Elapsed}");
        Assert.Contains("FAIL: mlp-fp32: run on sim (CUDA graph) failed", result.Stdout);
        Assert.Contains("FAIL: light_squeezenet-fp16: run on sim (CUDA graph) failed", result.Stdout);
        Assert.Equal("FAIL", Row(outDir, "mlp-tf32")[9]);
        // Two models at three precisions, and the FP16 step's timed GEMM.
        Assert.Contains("gpu-check: 7 failure(s)", File.ReadAllText(Path.Combine(outDir, "summary.txt")));
        Assert.True(File.Exists(Path.Combine(outDir, "logs.tgz")));
    }

    [Fact]
    public void The_deadline_skips_what_is_left_and_still_packages_the_results()
    {
        if (!OperatingSystem.IsLinux()) return;
        string dir = Cli.TempDir();
        var environment = DryRun(dir, DncWrapperOrSkip(dir), "examples/mlp/|squeezenet");
        environment["DNNC_GPU_CHECK_DEADLINE"] = "20";   // less than the packaging margin: only the device facts are taken
        string outDir = Path.Combine(dir, "out");
        var result = Bash("gpu-check.sh", environment, outDir);

        Assert.Equal("SKIP", Row(outDir, "mlp-fp32")[9]);
        Assert.Equal("SKIP", Row(outDir, "light_squeezenet-tf32")[9]);
        Assert.Contains("resnet50\tSKIP", File.ReadAllText(Path.Combine(outDir, "steps.tsv")));
        Assert.True(File.Exists(Path.Combine(outDir, "logs.tgz")), result.ToString());
    }

    [Fact]
    public void A_difference_over_the_tolerance_fails_the_check()
    {
        if (!OperatingSystem.IsLinux()) return;
        string dir = Cli.TempDir();
        string dnnc = DncWrapperOrSkip(dir);
        // The same dnnc, except that compare accepts no difference at all: sim and the reference always differ a little.
        string strict = Path.Combine(dir, "dnnc-strict");
        File.WriteAllText(strict, $"#!/bin/sh\nif [ \"$1\" = compare ]; then exec '{dnnc}' compare \"$2\" \"$3\" --max-rel-l2 1e-12; fi\nexec '{dnnc}' \"$@\"\n");
        File.SetUnixFileMode(strict, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string outDir = Path.Combine(dir, "out");
        var result = Bash("gpu-check.sh", DryRun(dir, strict, "examples/mlp/", "1"), outDir);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("FAIL: mlp-fp32: sim and reference differ", result.Stdout);
        Assert.Equal("FAIL", Row(outDir, "mlp-fp16")[9]);
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
