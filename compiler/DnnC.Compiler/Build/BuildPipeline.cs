using System.Diagnostics;
using DnnC.Compiler.CodeGen;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Lowering;
using DnnC.Compiler.Passes;
using DnnC.Runtime.Targets;
using DnnC.Runtime.Cuda;
using DnnC.Runtime.Encoders;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Build;

/// <summary>One architecture's compiled kernels (of <see cref="Plan"/>, the plan lowered for it) and what ptxas said about them.</summary>
public sealed record CompiledArch(string Arch, KernelPlan Plan, byte[] Cubin, string Ptx, IReadOnlyList<PtxasKernelInfo> Kernels, double Seconds, bool CacheHit);

/// <summary>A model optimized and lowered: the plan and its weight blob, encoded once from the optimized graph's weights.</summary>
public sealed record LoweredModel(Graph Optimized, KernelPlan Plan, PlanWeights Weights)
{
    public static LoweredModel Of(Graph optimized, KernelPlan plan) => new(optimized, plan, WeightPacker.Pack(plan, optimized.Weights.Items));
}

/// <summary>
/// A build: <see cref="Plan"/> and <see cref="CudaSource"/> are the first target's (what the simulator runs and
/// kernels.cu holds); <see cref="Targets"/> has each target's plan, equal ones shared; each binary was compiled
/// from its own target's source.
/// </summary>
public sealed record BuildResult(
    Graph Source,
    Graph Optimized,
    KernelPlan Plan,
    PlanWeights Weights,
    string? CudaSource,
    IReadOnlyList<TargetPlan> Targets,
    IReadOnlyList<CompiledArch> Binaries,
    IReadOnlyList<PassReport> Passes,
    IReadOnlyList<LayerReport> Layers,
    IReadOnlyList<Diagnostic> Warnings);

/// <summary>
/// The whole build as named steps: load, resolve options, optimize, lower, emit, compile, report.
/// Every step reports through diagnostics; a step with errors ends the build by throwing
/// <see cref="CompilationFailedException"/>, which the CLI prints.
/// </summary>
public static class BuildPipeline
{
    /// <summary>Loads a model with only shapes given (<see cref="ModelFrontDoor"/> takes input files and values too).</summary>
    public static Graph Load(string modelPath, CompileOverrides overrides, DiagnosticBag diagnostics,
        IReadOnlyDictionary<string, int[]>? inputShapes = null) =>
        ModelFrontDoor.Load(modelPath, overrides, GivenInputs.WithShapes(inputShapes), diagnostics).Graph;

    public static (Graph Graph, PassReports Reports) Optimize(Graph graph, Action<string, Graph>? afterPass = null, StepTimes? times = null)
    {
        var context = new PassContext(graph.Options, GpuTarget.ForArch(graph.Options.Targets[0]));
        var manager = new PassManager(DefaultPipeline.Create()) { AfterPass = afterPass, Times = times ?? new StepTimes() };
        var optimized = manager.Run(graph, context);
        return (optimized, new PassReports(context.Reports, context.Layers, context.Diagnostics.Items.Where(d => !d.IsError).ToList()));
    }

    /// <summary>
    /// Optimizes and lowers for the model's first target: the plan <c>dnnc build</c> emits, and the one the
    /// simulator runs (<c>dnnc run --backend sim</c>, <c>dnnc simulate</c> and the conformance runner).
    /// </summary>
    public static LoweredModel Lower(Graph source, DiagnosticBag diagnostics)
    {
        var (optimized, reports) = Optimize(source);
        diagnostics.AddRange(reports.Warnings ?? []);
        var plan = PlanLowering.Lower(optimized, GpuTarget.ForArch(source.Options.Targets[0]), diagnostics);
        return LoweredModel.Of(optimized, plan);
    }

    public static BuildResult Build(string modelPath, CompileOverrides overrides, DiagnosticBag diagnostics,
        Action<string, Graph>? afterPass = null, IReadOnlyDictionary<string, int[]>? inputShapes = null, StepTimes? times = null) =>
        Build(modelPath, overrides, GivenInputs.WithShapes(inputShapes), diagnostics, afterPass, times);

    public static BuildResult Build(string modelPath, CompileOverrides overrides, GivenInputs given, DiagnosticBag diagnostics,
        Action<string, Graph>? afterPass = null, StepTimes? times = null)
    {
        times ??= new StepTimes();
        var source = times.Time("load model", () => ModelFrontDoor.Load(modelPath, overrides, given, diagnostics).Graph);
        return Build(source, diagnostics, afterPass, times);
    }

    /// <summary>Builds a model already loaded (and checked) by <see cref="Load"/>, for its own targets.</summary>
    public static BuildResult Build(Graph source, DiagnosticBag diagnostics, Action<string, Graph>? afterPass = null, StepTimes? times = null)
    {
        times ??= new StepTimes();
        var (optimized, reports) = Optimize(source, afterPass, times);
        diagnostics.AddRange(reports.Warnings ?? []);
        var targets = TargetPlans.Lower(optimized, source.Options.Targets, diagnostics, times);
        var plan = targets[0].Plan;
        // Checked once before the parallel compiles, so a missing NVRTC is one diagnostic, not an AggregateException.
        if (targets.Any(t => t.CudaSource is not null) && !Nvrtc.IsAvailable(out string reason))
        {
            diagnostics.Add(Diag.NvrtcUnavailable(reason));
            throw new CompilationFailedException(diagnostics.Items);
        }
        var binaries = times.Time("compile (NVRTC or cache), all architectures", () => CompileAll(targets, diagnostics));
        var lowering = LoweringReport.For(plan, GpuTarget.ForArch(targets[0].Arch));
        return new BuildResult(source, optimized, plan, WeightPacker.Pack(plan, optimized.Weights.Items), targets[0].CudaSource, targets, binaries,
            [.. reports.Passes, .. lowering.Passes], [.. reports.Layers, .. lowering.Layers], diagnostics.Items.Where(d => !d.IsError).ToList());
    }

    /// <summary>
    /// One NVRTC compile per architecture, side by side: NVRTC is thread-safe per program and the
    /// compile dominates a cold build. PLINQ wraps what a compile throws in an AggregateException;
    /// a failed compile's diagnostics are unwrapped here, so every NVRTC failure ends the build as
    /// diagnostics (exit 1), not as an internal error.
    /// </summary>
    private static List<CompiledArch> CompileAll(IReadOnlyList<TargetPlan> targets, DiagnosticBag diagnostics)
    {
        try
        {
            var binaries = targets.Where(t => t.CudaSource is not null).AsParallel().AsOrdered().Select(t => Compile(t.CudaSource!, t.Arch, t.Plan)).ToList();
            // Added here, on the calling thread: the bag is not safe for the PLINQ workers to share.
            foreach (var binary in binaries)
                foreach (var k in binary.Kernels.Where(k => k.SpillStoreBytes + k.SpillLoadBytes > 0))
                    diagnostics.Add(Diag.KernelSpills(k.Kernel, binary.Arch, k.SpillStoreBytes + k.SpillLoadBytes));
            return binaries;
        }
        catch (AggregateException e) when (e.Flatten().InnerExceptions.All(x => x is CompilationFailedException))
        {
            // Sorted, because the workers fail in whatever order they finish.
            var failures = e.Flatten().InnerExceptions.Cast<CompilationFailedException>().SelectMany(f => f.Diagnostics);
            diagnostics.AddRange(failures.OrderBy(d => d.Message, StringComparer.Ordinal));
            throw new CompilationFailedException(diagnostics.Items);
        }
    }

    private static CompiledArch Compile(string cuda, string arch, KernelPlan plan)
    {
        var clock = Stopwatch.StartNew();
        NvrtcResult result;
        bool hit;
        try
        {
            // Keyed by a hash of source, options, architecture and NVRTC version: a rebuild of an
            // unchanged model skips NVRTC entirely.
            result = new CompileCache().Compile(cuda, arch, "kernels.cu", out hit);
        }
        // Thrown with only its own diagnostic: this runs on a PLINQ worker, and CompileAll adds it
        // to the shared bag on the calling thread.
        catch (NvrtcCompileException e)
        {
            throw new CompilationFailedException([Diag.KernelCompileFailed(string.Join(", ", e.Kernels), e.Log)]);
        }
        catch (NvrtcException e)
        {
            throw new CompilationFailedException([Diag.NvrtcCallFailed(e, arch)]);
        }
        return new CompiledArch(arch, plan, result.Cubin, result.Ptx, result.Kernels, clock.Elapsed.TotalSeconds, hit);
    }

    /// <summary>Writes every build output into <paramref name="directory"/>, all or nothing.</summary>
    public static void WriteOutputs(BuildResult result, string directory) =>
        AtomicDirectory.Write(directory, staging =>
        {
            if (result.CudaSource is not null) File.WriteAllText(Path.Combine(staging, "kernels.cu"), result.CudaSource);
            // A target whose plan differs from the first's (its tiles suit its SM count) has its own source.
            foreach (var target in result.Targets.Where(t => t.Plan != result.Plan && t.CudaSource is not null))
                File.WriteAllText(Path.Combine(staging, $"kernels.{target.Arch}.cu"), target.CudaSource);
            foreach (var binary in result.Binaries)
                File.WriteAllBytes(Path.Combine(staging, $"kernels.{binary.Arch}.cubin"), binary.Cubin);
            // PTX of the newest architecture: the driver JIT-compiles it on GPUs newer than every cubin.
            if (result.Binaries.OrderBy(b => b.Arch, StringComparer.Ordinal).LastOrDefault() is { Ptx.Length: > 0 } newest)
                File.WriteAllText(Path.Combine(staging, $"kernels.{newest.Arch.Replace("sm_", "compute_")}.ptx"), newest.Ptx);
            // The build itself, for `dnnc run DIR`, `dnnc simulate DIR` and the generated library: plan, encoded weights, kernels.
            Runtime.Package.PackageFile.Write(BuildPackage.Of(result), Path.Combine(staging, BuildPackage.FileName));
            File.WriteAllText(Path.Combine(staging, "build-report.json"), BuildReport.ToJson(result));
            File.WriteAllText(Path.Combine(staging, "ir.txt"), GraphPrinter.Print(result.Optimized));
        });
}
