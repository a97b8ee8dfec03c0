using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Tensors;
using DnnC.Runtime;
using DnnC.Runtime.Cuda;
using DnnC.Simulator;
using DnnC.Simulator.Accelerator;

namespace DnnC.Cli;

/// <summary>
/// <c>dnnc run DIR</c> and <c>dnnc simulate DIR</c>: a build loaded from its package (plan, encoded weights, kernels), with
/// no model and no compiler in the way. The plan is the one the build lowered, so results equal a run of the model.
/// </summary>
internal static class PackageRun
{
    public static int Run(string path, CompileOverrides overrides, GivenInputs given, string requested, int? seed, bool useGraph,
        RunCommand.BenchRequest timing, string outputDir)
    {
        if (requested is not ("sim" or "cuda" or "auto"))
            throw new UsageException($"--backend {requested} runs models, and '{path}' is a build; use --backend sim, cuda or auto");
        var diagnostics = new DiagnosticBag();
        var loaded = Load(path, overrides, given, diagnostics);
        var feeds = ModelFrontDoor.Feeds(loaded, seed, diagnostics);
        CudaDevice? device = null;
        try
        {
            var package = loaded.Package;
            // A build without CUDA kernels (numerics with no CUDA template yet) runs on the simulator when the GPU is not demanded.
            if (requested == "auto" && !CudaBackend.HasKernels(package))
            {
                Console.Error.WriteLine("dnnc: --backend auto chose 'sim': the build has no CUDA kernels (DNN5011)");
                requested = "sim";
            }
            string chosen = RunCommand.Choose(requested, out device, compiles: false);
            IReadOnlyDictionary<string, HostTensor> results;
            CudaTiming? timed;
            if (chosen == "cuda")
            {
                using var model = CudaBackend.Load(device!, package, useGraph);
                results = model.Run(feeds);
                timed = timing.Iterations is int n ? model.Time(timing.Warmup, n) : null;
            }
            else (results, timed) = RunCommand.RunOnHost(() => PlanSimulator.Run(package.Plan, package.Weights, feeds), timing);
            var typed = package.Interface.Outputs.Select(o => (o.Name, TypedTensor.FromHost(results[o.Name], o.ElementType))).ToList();
            RunCommand.WriteOutputs(typed, outputDir);
            CommandRunner.PrintDiagnostics(diagnostics.Items.Where(d => !d.IsError));
            if (timed is not null)
                Console.WriteLine(BenchLine.Format(package.Plan.ModelName, chosen, chosen == "cuda" ? device!.Info.Arch : "cpu", chosen == "cuda" && useGraph, timed));
            return ExitCodes.Ok;
        }
        finally
        {
            device?.Dispose();
        }
    }

    public static SimulationResult Simulate(string path, CompileOverrides overrides, GivenInputs given, AcceleratorConfig accelerator, DiagnosticBag diagnostics)
    {
        var loaded = Load(path, overrides, given, diagnostics);
        // Without files, every input is seeded (seed 0), as for a model, so a report is reproducible.
        var feeds = ModelFrontDoor.Feeds(loaded, given.Files.Count == 0 ? 0 : null, diagnostics);
        return PlanSimulator.Simulate(loaded.Package.Plan, loaded.Package.Weights, feeds, accelerator);
    }

    private static LoadedPackage Load(string path, CompileOverrides overrides, GivenInputs given, DiagnosticBag diagnostics)
    {
        if (overrides.Targets is not null)
        {
            diagnostics.Add(Diag.OptionNeedsModel(path, "--target"));
            throw new CompilationFailedException(diagnostics.Items);
        }
        return ModelFrontDoor.LoadPackage(path, given, diagnostics);
    }
}
