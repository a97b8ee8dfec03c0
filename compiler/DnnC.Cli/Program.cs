using System.CommandLine;
using DnnC.Cli;

// Exit codes (DESIGN.md): 0 ok; 1 the model has errors; 2 usage error; 3 internal error.
var root = new RootCommand("dnnc: compiles neural-network models to fused CUDA kernels")
{
    BuildCommand.Create(),
    RunCommand.Create(),
    SimulateCommand.Create(),
    CheckCommand.Create(),
    CompareCommand.Create(),
    InfoCommand.Create(),
};
return CommandRunner.Execute(root, args);
