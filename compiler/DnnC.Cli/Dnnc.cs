using System.CommandLine;

namespace DnnC.Cli;

/// <summary>
/// The <c>dnnc</c> command line as a library call: the executable's Main, and the door the
/// conformance runner uses to run cases exactly as a user types them, in process.
/// </summary>
public static class Dnnc
{
    public static RootCommand CreateRootCommand() => new("dnnc: compiles neural-network models to fused CUDA kernels")
    {
        BuildCommand.Create(),
        RunCommand.Create(),
        SimulateCommand.Create(),
        CheckCommand.Create(),
        CompareCommand.Create(),
        InfoCommand.Create(),
    };

    /// <summary>Runs one dnnc command line; the exit code follows DESIGN.md (0 ok, 1 model errors, 2 usage, 3 internal).</summary>
    public static int Run(string[] args)
    {
        // FP16 calibration on the simulator rather than the float64 reference: the same maxima, many times faster.
        Compiler.Passes.CalibrationSet.Profiler = new SimulatorActivationProfiler();
        return CommandRunner.Execute(CreateRootCommand(), args);
    }
}
