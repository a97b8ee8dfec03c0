using System.CommandLine;
using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.Lowering;
using DnnC.Runtime.Targets;

namespace DnnC.Cli;

/// <summary><c>dnnc check MODEL [--input NAME=DIMS]...</c>: everything up to the kernel plan, without NVRTC; prints diagnostics only.</summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var model = ModelArgument.Create("a .dnn or .onnx model");
        // The same --input NAME=DIMS as build, so the DNN6010 help ("fix it with --input") works here too.
        var inputs = new Option<string[]>("--input") { Description = "NAME=DIMxDIMx... fixes an input's shape" };
        var values = InputValueOption.Create();
        var command = new Command("check", "check a model for errors without generating code") { model, inputs, values };
        command.SetAction(parse => CommandRunner.Guard(() =>
        {
            var diagnostics = new DiagnosticBag();
            var shapes = InputShapes.Parse(parse.GetValue(inputs) ?? []);
            var graph = ModelFrontDoor.Load(parse.GetValue(model)!, new(), GivenInputs.None with { Shapes = shapes, Values = parse.GetValue(values) ?? [] }, diagnostics).Graph;
            var (optimized, _) = BuildPipeline.Optimize(graph);
            var plan = PlanLowering.Lower(optimized, GpuTarget.ForArch(graph.Options.Targets[0]), diagnostics);
            CommandRunner.PrintDiagnostics(diagnostics.Items);
            Console.WriteLine($"{graph.Name}: ok ({graph.Nodes.Count} nodes, {plan.Kernels.Count} kernels)");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
