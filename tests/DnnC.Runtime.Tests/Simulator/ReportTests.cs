using DnnC.Runtime.Encoders;
using System.Diagnostics;
using System.Text.Json;
using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Simulator;
using DnnC.Simulator.Accelerator;
using DnnC.Simulator.Reports;
using Xunit.Abstractions;
using static DnnC.Runtime.Tests.Simulator.SimTestSupport;

namespace DnnC.Runtime.Tests.Simulator;

/// <summary>The report files: SCALE-Sim columns, a JSON twin with the same numbers, and an HTML page that renders.</summary>
public sealed class ReportTests(ITestOutputHelper output)
{
    private static SimulationReport CifarReport()
    {
        string file = ExampleFiles().Single(f => f.EndsWith("cifar_resnet.dnn", StringComparison.Ordinal));
        var graph = BuildPipeline.Load(file, new CompileOverrides(), new DiagnosticBag());
        var (optimized, plan) = Lower(graph);
        return PlanSimulator.Simulate(plan, WeightPacker.Pack(plan, optimized.Weights.Items), RandomInputs(graph, 3), AcceleratorPresets.Dlac).Report;
    }

    private static string TempDir() => Path.Combine(Path.GetTempPath(), "dnnc-sim-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void Csv_and_json_reports_agree_and_use_scale_sim_columns()
    {
        var report = CifarReport();
        string dir = TempDir();
        ReportWriter.WriteAll(report, dir);
        Assert.Equal(ReportWriter.FileNames.Order(), Directory.GetFiles(dir).Select(Path.GetFileName).Order());

        var compute = File.ReadAllLines(Path.Combine(dir, "COMPUTE_REPORT.csv"));
        Assert.StartsWith("LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,", compute[0]);
        Assert.Contains("Skipped MACs", compute[0]);
        Assert.Contains("Energy pJ", compute[0]);
        Assert.Equal(report.Layers.Count + 1, compute.Length);
        Assert.StartsWith("LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, Avg IFMAP DRAM BW, Avg FILTER DRAM BW, Avg OFMAP DRAM BW",
            File.ReadLines(Path.Combine(dir, "BANDWIDTH_REPORT.csv")).First());
        Assert.StartsWith("LayerID, SRAM IFMAP Start Cycle, SRAM IFMAP Stop Cycle, SRAM IFMAP Reads,",
            File.ReadLines(Path.Combine(dir, "DETAILED_ACCESS_REPORT.csv")).First());

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "report.json")));
        var layers = json.RootElement.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(report.Layers.Count, layers.Count);
        long cycles = layers.Sum(l => l.GetProperty("totalCycles").GetInt64());
        Assert.Equal(json.RootElement.GetProperty("summary").GetProperty("totalCycles").GetInt64(), cycles);
        // The CSV's total-cycles column carries the same numbers.
        Assert.Equal(cycles, compute.Skip(1).Sum(line => long.Parse(line.Split(", ")[1])));
        // Conv layers after a ReLU meet real zeros: something was skipped.
        Assert.True(report.SkippedMacs > 0);
    }

    [Fact]
    public void Model_names_cannot_break_the_csv_or_the_html()
    {
        var report = CifarReport();
        var renamed = new SimulationReport("<b>evil</b>", report.Accelerator,
            report.Layers.Select(l => l with { Layers = "a,\"b\"<script>" }).ToList());
        string compute = CsvReports.Compute(renamed);
        Assert.Contains("\"a,\"\"b\"\"<script>\"", compute);
        string html = HtmlReport.Write(renamed);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<b>evil", html);
    }

    [Fact]
    public void Html_report_is_self_contained()
    {
        string html = HtmlReport.Write(CifarReport());
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", ""));
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<link", html);
        Assert.Equal(4, html.Split("<svg ").Length - 1);
    }

    [ChromiumFact]
    public void Html_report_charts_draw_in_headless_chromium()
    {
        string dir = TempDir();
        ReportWriter.WriteAll(CifarReport(), dir);
        string png = Path.Combine(dir, "screenshot.png");
        string profile = Path.Combine(dir, "chromium-profile");
        Directory.CreateDirectory(profile);
        var info = new ProcessStartInfo(ChromiumFactAttribute.Executable!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", $"--screenshot={png}",
            "--window-size=1200,1500", new Uri(Path.Combine(dir, "report.html")).AbsoluteUri,
        }) info.ArgumentList.Add(arg);
        using (var chromium = Process.Start(info)!)
        {
            var stderr = chromium.StandardError.ReadToEndAsync();
            chromium.StandardOutput.ReadToEnd();
            Assert.True(chromium.WaitForExit(120_000), "chromium did not finish within 2 minutes");
            output.WriteLine(stderr.Result);
        }
        var image = PngImage.Read(png);
        output.WriteLine($"screenshot {image.Width}x{image.Height}: {png}");

        // Each chart's bar colour must cover a real area of the page: the bars drew.
        var colours = new Dictionary<string, (byte, byte, byte)>
        {
            ["cycles"] = (0x4e, 0x79, 0xa7),
            ["utilisation"] = (0x59, 0xa1, 0x4f),
            ["skipped share"] = (0xf2, 0x8e, 0x2b),
            ["DRAM reads"] = (0x76, 0xb7, 0xb2),
        };
        var counts = colours.Keys.ToDictionary(k => k, _ => 0);
        long nonWhite = 0;
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                var p = image[x, y];
                if (p != (255, 255, 255)) nonWhite++;
                foreach (var (name, c) in colours)
                    if (Near(p, c)) counts[name]++;
            }
        foreach (var (name, count) in counts) output.WriteLine($"{name}: {count} pixels");
        Assert.All(counts, c => Assert.True(c.Value > 500, $"the {c.Key} chart drew only {c.Value} pixels of its colour"));
        Assert.True(nonWhite > image.Width * image.Height / 20);
    }

    private static bool Near((byte R, byte G, byte B) p, (byte R, byte G, byte B) c) =>
        Math.Abs(p.R - c.R) <= 6 && Math.Abs(p.G - c.G) <= 6 && Math.Abs(p.B - c.B) <= 6;
}

/// <summary>A fact that needs Chromium (scripts/setup.sh installs Debian's package); skipped with a visible reason without it.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public static string? Executable { get; } = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }
        .FirstOrDefault(File.Exists);

    public ChromiumFactAttribute()
    {
        if (Executable is null) Skip = "Chromium not installed: run scripts/setup.sh (installs Debian's chromium package)";
    }
}
