namespace DnnC.EndToEnd.Tests;

/// <summary>dnnc simulate: reports written all at once, a summary table, and accelerator errors that name the field.</summary>
public class SimulateCommandTests
{
    [Fact]
    public void Simulate_writes_every_report_and_prints_a_summary()
    {
        string dir = Path.Combine(Cli.TempDir(), "reports");
        var result = Cli.Run("simulate", Cli.Example("mobilenet_block"), "--accelerator", "dlac", "-o", dir);

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var file in new[] { "COMPUTE_REPORT.csv", "BANDWIDTH_REPORT.csv", "DETAILED_ACCESS_REPORT.csv", "report.json", "report.html" })
            Assert.True(File.Exists(Path.Combine(dir, file)), $"{file} missing\n{result}");
        Assert.Contains("MobileNetBlock on dlac", result.Stdout);
        Assert.Contains("total", result.Stdout);
        Assert.DoesNotContain("\u001b[", result.Stdout);
    }

    [Fact]
    public void A_bad_accelerator_file_is_a_diagnostic_naming_each_field()
    {
        string dir = Cli.TempDir();
        string file = Path.Combine(dir, "bad.json");
        File.WriteAllText(file, """{ "base": "dlac", "lanesPerPe": 0, "dramBandwidthGBs": -1 }""");
        var result = Cli.Run("simulate", Cli.Example("mlp"), "--accelerator", file, "-o", Path.Combine(dir, "out"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("DNN7001", result.Stderr);
        Assert.Contains("'lanesPerPe'", result.Stderr);
        Assert.Contains("'dramBandwidthGBs'", result.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));
    }

    [Fact]
    public void An_unknown_accelerator_lists_the_presets()
    {
        var result = Cli.Run("simulate", Cli.Example("mlp"), "--accelerator", "tpu-v9");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("DNN7002", result.Stderr);
        Assert.Contains("dlac-fp16", result.Stderr);
    }
}
