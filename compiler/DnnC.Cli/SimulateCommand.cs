using System.CommandLine;
using System.Globalization;
using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Runtime;
using DnnC.Simulator;
using DnnC.Simulator.Accelerator;
using DnnC.Simulator.Reports;
using Spectre.Console;

namespace DnnC.Cli;

/// <summary>
/// <c>dnnc simulate MODEL [--accelerator FILE.json|PRESET] [-o DIR]</c>: runs the kernel plan on the
/// dLAC-style simulator and writes the SCALE-Sim-style CSVs, report.json and report.html into DIR.
/// Zero skipping depends on the data, so inputs may be given as for <c>run</c>; without them a
/// seeded random input (uniform in [-1, 1]) is used and the summary says so.
/// </summary>
public static class SimulateCommand
{
    public static Command Create()
    {
        var model = ModelArgument.Create("a .dnn or .onnx model, or a build (the directory `dnnc build -o` wrote, or its plan.dnnpkg)");
        var accelerator = new Option<string>("--accelerator")
        {
            Description = $"accelerator description: a JSON file or a preset ({string.Join(", ", AcceleratorPresets.All.Select(p => p.Name))})",
            DefaultValueFactory = _ => "dlac",
        };
        var output = new Option<string>("--output", "-o") { Description = "report directory", DefaultValueFactory = _ => "simulation" };
        var inputs = new Option<string[]>("--input") { Description = "[NAME=]FILE: input tensors (default: seeded random inputs)" };
        var values = InputValueOption.Create();
        var shared = new SharedOptions();
        var command = new Command("simulate", "run the kernel plan on the dLAC-style simulator and write cycle, traffic and energy reports")
        {
            model, accelerator, output, inputs, values,
        };
        shared.AddTo(command);
        command.SetAction(parse => CommandRunner.Guard(() =>
        {
            var overrides = shared.Read(parse);
            var config = SimulatorBackend.ResolveAccelerator(parse.GetValue(accelerator)!);
            var diagnostics = new DiagnosticBag();
            var given = parse.GetValue(inputs) ?? [];
            var (shapes, files) = RunInputs.Split(given);
            var givenInputs = new GivenInputs(files, shapes, parse.GetValue(values) ?? []);
            var result = ModelFrontDoor.IsPackage(parse.GetValue(model)!)
                ? PackageRun.Simulate(parse.GetValue(model)!, overrides, givenInputs, config, diagnostics)
                : SimulateModel(parse.GetValue(model)!, overrides, givenInputs, config, diagnostics);
            string directory = parse.GetValue(output)!;
            try
            {
                ReportWriter.WriteAll(result.Report, directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CompilationFailedException([Diag.CannotWriteOutput(directory, e.Message)]);
            }
            CommandRunner.PrintDiagnostics(diagnostics.Items.Where(d => !d.IsError));
            PrintSummary(result.Report, directory, given.Length == 0);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static SimulationResult SimulateModel(string path, CompileOverrides overrides, GivenInputs given, AcceleratorConfig config, DiagnosticBag diagnostics)
    {
        var loaded = ModelFrontDoor.Load(path, overrides, given, diagnostics);
        // Without files, every input is seeded (seed 0), so a report is reproducible.
        var feeds = ModelFrontDoor.Feeds(loaded, given.Files.Count == 0 ? 0 : null, diagnostics);
        var lowered = SimulatorBackend.Lower(loaded.Graph, diagnostics);
        return PlanSimulator.Simulate(lowered.Plan, lowered.Weights, feeds, config);
    }

    private static void PrintSummary(SimulationReport report, string directory, bool seeded)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
        });
        // Redirected output has no terminal width; do not squeeze the table into 80 columns.
        if (Console.IsOutputRedirected) console.Profile.Width = 132;
        var a = report.Accelerator;
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]{Markup.Escape(report.ModelName)}[/] on [bold]{Markup.Escape(a.Name)}[/]")
            .AddColumn("#").AddColumn("template").AddColumn("layers")
            .AddColumn(new TableColumn("cycles").RightAligned()).AddColumn(new TableColumn("stall").RightAligned())
            .AddColumn(new TableColumn("util %").RightAligned()).AddColumn(new TableColumn("skipped %").RightAligned())
            .AddColumn(new TableColumn("DRAM").RightAligned());
        // The layers that cost the most cycles: a short table even for a 50-layer network.
        var top = report.Layers.OrderByDescending(l => l.TotalCycles).Take(8).OrderBy(l => l.Index);
        foreach (var l in top)
            table.AddRow(l.Index.ToString(CultureInfo.InvariantCulture), Markup.Escape(l.Template), Markup.Escape(Shorten(l.Layers)),
                l.TotalCycles.ToString("N0", CultureInfo.InvariantCulture), l.StallCycles.ToString("N0", CultureInfo.InvariantCulture),
                (l.OverallUtilization * 100).ToString("0.0", CultureInfo.InvariantCulture),
                (l.SkippedShare * 100).ToString("0.0", CultureInfo.InvariantCulture),
                Bytes((l.DramReads + l.DramWrites) * a.BytesPerElement));
        table.AddEmptyRow();
        double skipped = report.Macs == 0 ? 0 : (double)report.SkippedMacs / report.Macs;
        table.AddRow("", "[bold]total[/]", $"{report.Layers.Count} kernels",
            report.TotalCycles.ToString("N0", CultureInfo.InvariantCulture), report.StallCycles.ToString("N0", CultureInfo.InvariantCulture),
            (report.Utilization * 100).ToString("0.0", CultureInfo.InvariantCulture), (skipped * 100).ToString("0.0", CultureInfo.InvariantCulture),
            Bytes(report.DramBytes));
        console.Write(table);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{report.Seconds * 1e3:0.###} ms at {a.ClockMhz} MHz, {report.EquivalentFlopsPerCycle:0} equivalent FLOP/cycle, {report.EnergyPj / 1e6:0.###} µJ"));
        if (seeded) console.WriteLine("inputs: seeded random (uniform in [-1, 1]); pass --input for real data");
        console.WriteLine($"reports: {Path.GetFullPath(directory)}");
    }

    private static string Shorten(string text) => text.Length <= 32 ? text : text[..29] + "...";

    private static string Bytes(long bytes) =>
        bytes >= 1 << 20 ? $"{bytes / (double)(1 << 20):0.0} MiB" : bytes >= 1 << 10 ? $"{bytes / 1024.0:0.0} KiB" : $"{bytes} B";
}
