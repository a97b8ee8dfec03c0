using System.CommandLine;
using DnnC.Compiler.Build;
using DnnC.Runtime.Package;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Passes;
using Spectre.Console;

namespace DnnC.Cli;

public static class BuildCommand
{
    public static Command Create()
    {
        var model = ModelArgument.Create("a .dnn or .onnx model");
        var output = new Option<string?>("--output", "-o") { Description = "output directory (default: out/<model name>)" };
        var printIr = new Option<bool>("--print-ir-after-all") { Description = "print the IR after every pass" };
        var inputs = new Option<string[]>("--input") { Description = "NAME=DIMxDIMx... fixes an input's shape" };
        var timeSteps = new Option<bool>("--time-steps") { Description = "print the wall time of every build step to stderr" };
        var values = InputValueOption.Create();
        var shared = new SharedOptions();
        var command = new Command("build", "compile a model to CUDA kernels, cubins and a build report") { model, output, printIr, inputs, values, timeSteps };
        shared.AddTo(command);
        command.SetAction(parse => CommandRunner.Guard(() =>
        {
            // The package's JSON serializers cost ~0.2 s to JIT on first use: warm them on the other core while the
            // model loads and the passes run, so writing plan.dnnpkg at the end does not wait for them.
            _ = Task.Run(PlanJson.Prime);
            var overrides = shared.Read(parse);
            string path = parse.GetValue(model)!;
            string dir = parse.GetValue(output) ?? Path.Combine("out", Path.GetFileNameWithoutExtension(path));
            var diagnostics = new DiagnosticBag();
            Action<string, Graph>? dump = parse.GetValue(printIr)
                ? (pass, graph) => Console.Out.Write($"// ----- IR after {pass} -----\n{GraphPrinter.Print(graph)}")
                : null;
            var shapes = InputShapes.Parse(parse.GetValue(inputs) ?? []);
            var times = new StepTimes();
            var given = GivenInputs.None with { Shapes = shapes, Values = parse.GetValue(values) ?? [] };
            var result = BuildPipeline.Build(path, overrides, given, diagnostics, dump, times);
            times.Time("write outputs", () => BuildPipeline.WriteOutputs(result, dir));
            CommandRunner.PrintDiagnostics(result.Warnings);
            PrintSummary(result, dir);
            if (parse.GetValue(timeSteps)) PrintTimes(times);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static void PrintTimes(StepTimes times)
    {
        var steps = times.Steps;
        double total = steps.Sum(s => s.Time.TotalMilliseconds);
        int width = steps.Max(s => s.Step.Length);
        Console.Error.WriteLine("dnnc: build steps (wall time; .NET start-up not included):");
        foreach (var (step, time) in steps)
            Console.Error.WriteLine($"  {step.PadRight(width)}  {time.TotalMilliseconds,8:F1} ms  {100 * time.TotalMilliseconds / total,5:F1}%");
        Console.Error.WriteLine($"  {"total".PadRight(width)}  {total,8:F1} ms");
    }

    private static void PrintSummary(BuildResult result, string dir)
    {
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn("kernel");
        table.AddColumn("layers");
        table.AddColumn("grid");
        foreach (var b in result.Binaries) table.AddColumn($"regs/spills {b.Arch}");
        for (int index = 0; index < result.Plan.Kernels.Count; index++)
        {
            var k = result.Plan.Kernels[index];
            var cells = new List<string>
            {
                k.Name,
                string.Join(" + ", k.Layers),
                $"{k.Launch.GridX}x{k.Launch.GridY}x{k.Launch.GridZ}",
            };
            foreach (var b in result.Binaries)
            {
                var info = b.Kernels.FirstOrDefault(i => i.Kernel == b.Plan.Kernels[index].Function);
                cells.Add(info is null ? "-" : $"{info.Registers}/{info.SpillStoreBytes + info.SpillLoadBytes}");
            }
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        AnsiConsole.Write(table);
        var decisions = LayerDecisionSummary.Lines(result.Layers)
            .Concat(result.Passes.Where(p => p.Pass == LoweringReport.LayoutPass).Select(p => $"{p.Pass}: {p.Summary}")).ToList();
        if (decisions.Count > 0) Console.WriteLine("layer decisions:\n" + string.Join("\n", decisions.Select(line => "  " + line)));
        Console.WriteLine($"{result.Plan.ModelName}: {result.Plan.Kernels.Count} kernel(s), activation arena {result.Plan.ActivationArenaBytes} bytes, weights {result.Plan.WeightBytes} bytes");
        Console.WriteLine($"wrote {dir}");
    }
}
