using System.CommandLine;
using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;

namespace DnnC.Cli;

/// <summary><c>dnnc check MODEL [--input NAME=DIMS]... [pass options]</c>: everything up to the kernel plan, the passes with
/// the options a build would take (precision, calibration, ...), without NVRTC; prints diagnostics only.</summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var model = ModelArgument.Create("a .dnn or .onnx model");
        // The same --input NAME=DIMS as build, so the DNN6010 help ("fix it with --input") works here too.
        var inputs = new Option<string[]>("--input") { Description = "NAME=DIMxDIMx... fixes an input's shape" };
        var values = InputValueOption.Create();
        var shared = new SharedOptions();
        var command = new Command("check", "check a model for errors without generating code") { model, inputs, values };
        shared.AddTo(command);
        command.SetAction(parse => CommandRunner.Guard(() =>
        {
            var overrides = shared.Read(parse);
            var diagnostics = new DiagnosticBag();
            var shapes = InputShapes.Parse(parse.GetValue(inputs) ?? []);
            var graph = ModelFrontDoor.Load(parse.GetValue(model)!, overrides, GivenInputs.None with { Shapes = shapes, Values = parse.GetValue(values) ?? [] }, diagnostics).Graph;
            // The passes' warnings (an @fp16 that cannot apply, ...) are printed with the rest.
            var plan = BuildPipeline.Lower(graph, diagnostics).Plan;
            CommandRunner.PrintDiagnostics(diagnostics.Items);
            Console.WriteLine($"{graph.Name}: ok ({graph.Nodes.Count} nodes, {plan.Kernels.Count} kernels)");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
