using System.CommandLine;
using DnnC.Compiler.Diagnostics;

namespace DnnC.Cli;

/// <summary>
/// <c>dnnc simulate</c> is part of the CLI contract; the simulator itself is not built yet, so the
/// command says so plainly instead of pretending.
/// </summary>
public static class SimulateCommand
{
    public static Command Create()
    {
        var model = ModelArgument.Create("a .dnn or .onnx model, or a build directory");
        var accelerator = new Option<string?>("--accelerator") { Description = "accelerator description (JSON)" };
        var output = new Option<string?>("--output", "-o") { Description = "report directory" };
        var command = new Command("simulate", "run the kernel plan on the dLAC-style simulator (not available yet)") { model, accelerator, output };
        command.SetAction(parse => CommandRunner.Guard(() =>
            throw new CompilationFailedException([Diag.BackendUnavailable("sim", "the simulator is not implemented in this version")])));
        return command;
    }
}
