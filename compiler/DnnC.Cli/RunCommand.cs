using System.CommandLine;
using System.Diagnostics;
using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Reference;
using DnnC.Compiler.Tensors;
using DnnC.Runtime;
using DnnC.Runtime.Cuda;
using DnnC.Runtime.Numerics;
using DnnC.Simulator;

namespace DnnC.Cli;

/// <summary>
/// <c>dnnc run MODEL --input [NAME=]FILE ...</c>: executes the model and writes one
/// <c>output_&lt;i&gt;.pb</c> per graph output, in graph order, with the output's name set. Every
/// backend follows the same contract; cuda builds the plan for the GPU it finds (CudaBackend).
/// </summary>
public static class RunCommand
{
    public static Command Create()
    {
        var model = ModelArgument.Create("a .dnn or .onnx model, or a build (the directory `dnnc build -o` wrote, or its plan.dnnpkg)");
        var inputs = new Option<string[]>("--input")
        {
            Description = "[NAME=]FILE: an input tensor (.pb TensorProto or .npy, any numeric element type); unnamed inputs bind in the model's input order; " +
                          "a file's shape fixes the input's dynamic dimensions. NAME=DIMxDIMx... fixes a dynamic input's shape (for --seed)",
        };
        var values = InputValueOption.Create();
        var backend = Backend();
        var outputDir = new Option<string>("--output-dir") { Description = "where output_<i>.pb go (default: current directory)", DefaultValueFactory = _ => "." };
        var noGraph = new Option<bool>("--no-graph") { Description = "cuda: launch kernels one by one, waiting for each, instead of replaying a CUDA graph (debugging)" };
        var bench = new Option<int?>("--bench") { Description = "N: after the run, take N timed samples and print one 'bench' line (cuda: each sample is K graph replays between one pair of CUDA events, after at least 200 ms of warm-up)" };
        var warmup = new Option<int>("--warmup") { Description = "untimed executions before --bench's timed ones", DefaultValueFactory = _ => 10 };
        var seed = new Option<int?>("--seed") { Description = "N: fill every input not given as a file with seeded values (floats uniform in [-1, 1), integers in [0, 4), bools 0 or 1)" };
        var shared = new SharedOptions();
        var command = new Command("run", "execute a model on input tensors") { model, inputs, values, backend, outputDir, noGraph, bench, warmup, seed };
        shared.AddTo(command);
        command.SetAction(parse => CommandRunner.Guard(() =>
        {
            var overrides = shared.Read(parse);
            var timing = new BenchRequest(parse.GetValue(bench), parse.GetValue(warmup));
            if (timing.Iterations is < 1) throw new UsageException($"--bench takes a positive number of iterations, not {timing.Iterations}");
            if (timing.Warmup < 0) throw new UsageException($"--warmup takes zero or more iterations, not {timing.Warmup}");
            var (shapes, files) = RunInputs.Split(parse.GetValue(inputs) ?? []);
            var given = new GivenInputs(files, shapes, parse.GetValue(values) ?? []);
            if (ModelFrontDoor.IsPackage(parse.GetValue(model)!))
            {
                // A build: its kernels are compiled, so the default is the GPU when there is one, else the simulator.
                var requested = parse.GetResult(backend) is { Implicit: false } ? parse.GetValue(backend)! : "auto";
                return PackageRun.Run(parse.GetValue(model)!, overrides, given, requested, parse.GetValue(seed), !parse.GetValue(noGraph), timing,
                    parse.GetValue(outputDir)!);
            }

            CudaDevice? device = null;
            try
            {
                string chosen = Choose(parse.GetValue(backend)!, out device);
                var diagnostics = new DiagnosticBag();
                var loaded = ModelFrontDoor.Load(parse.GetValue(model)!, overrides, given, diagnostics);
                var graph = loaded.Graph;
                var feeds = ModelFrontDoor.Feeds(loaded, parse.GetValue(seed), diagnostics);
                if (chosen == OnnxRuntimeBackend.Name)
                {
                    if (timing.Iterations is not null) throw new UsageException($"--bench times DnnC's backends, not {OnnxRuntimeBackend.Name}");
                    WriteOutputs(OnnxRuntimeBackend.Run(parse.GetValue(model)!, loaded, feeds), parse.GetValue(outputDir)!);
                    CommandRunner.PrintDiagnostics(diagnostics.Items.Where(d => !d.IsError));
                    return ExitCodes.Ok;
                }
                var (results, timed) = Execute(chosen, device, graph, feeds, !parse.GetValue(noGraph), timing, diagnostics);
                WriteOutputs(OnnxRuntimeBackend.Typed(graph, results), parse.GetValue(outputDir)!);
                CommandRunner.PrintDiagnostics(diagnostics.Items.Where(d => !d.IsError));
                if (timed is not null)
                    Console.WriteLine(BenchLine.Format(graph.Name, chosen, chosen == "cuda" ? device!.Info.Arch : "cpu", chosen == "cuda" && !parse.GetValue(noGraph), timed));
                return ExitCodes.Ok;
            }
            finally
            {
                device?.Dispose();
            }
        }));
        return command;
    }

    /// <summary>The --backend option of run and compare.</summary>
    internal static Option<string> Backend() =>
        new Option<string>("--backend")
        {
            Description = "reference|sim|cuda|auto|onnxruntime (auto: cuda when a GPU and driver are present, else sim; " +
                          "onnxruntime: ONNX Runtime on the CPU, for comparison; a build runs on sim or cuda, by default auto)",
            DefaultValueFactory = _ => "reference",
        }.AcceptOnlyFromAmong("reference", "sim", "cuda", "auto", OnnxRuntimeBackend.Name);

    /// <summary>Runs the model on one of DnnC's own backends; with --bench, also times it.</summary>
    internal static (IReadOnlyDictionary<string, HostTensor>, CudaTiming?) Execute(string chosen, CudaDevice? device, Graph graph,
        IReadOnlyDictionary<string, HostTensor> feeds, bool useGraph, BenchRequest timing, DiagnosticBag diagnostics) => chosen switch
    {
        "cuda" => RunOnGpu(device!, graph, feeds, useGraph, timing, diagnostics),
        "sim" => RunOnSimulator(graph, feeds, timing, diagnostics),
        _ => RunOnHost(() => ReferenceExecutor.Run(graph, feeds), timing),
    };

    /// <summary>Resolves auto and opens the GPU for cuda; auto says on stderr what it chose and why.</summary>
    internal static string Choose(string requested, out CudaDevice? device, bool compiles = true)
    {
        device = null;
        if (requested == "cuda")
        {
            device = CudaBackend.Open(compiles);
            return "cuda";
        }
        if (requested != "auto") return requested;
        if (CudaBackend.TryOpen(out device, out string reason, compiles))
        {
            Console.Error.WriteLine($"dnnc: --backend auto chose 'cuda': {CudaBackend.Describe(device!.Info)}");
            return "cuda";
        }
        Console.Error.WriteLine($"dnnc: --backend auto chose 'sim' (the same kernel plan on the CPU): {reason}");
        return "sim";
    }

    private static (IReadOnlyDictionary<string, HostTensor>, CudaTiming?) RunOnGpu(CudaDevice device, Graph graph,
        IReadOnlyDictionary<string, HostTensor> feeds, bool useGraph, BenchRequest timing, DiagnosticBag diagnostics)
    {
        using var loaded = CudaBackend.Load(device, graph, useGraph, diagnostics);
        var results = loaded.Run(feeds);
        return (results, timing.Iterations is int n ? loaded.Time(timing.Warmup, n) : null);
    }

    private static (IReadOnlyDictionary<string, HostTensor>, CudaTiming?) RunOnSimulator(Graph graph,
        IReadOnlyDictionary<string, HostTensor> feeds, BenchRequest timing, DiagnosticBag diagnostics)
    {
        var lowered = SimulatorBackend.Lower(graph, diagnostics);
        return RunOnHost(() => PlanSimulator.Run(lowered.Plan, lowered.Weights, feeds), timing);
    }

    /// <summary>Runs once for the outputs; with --bench, times further runs with a stopwatch.</summary>
    internal static (IReadOnlyDictionary<string, HostTensor>, CudaTiming?) RunOnHost(Func<IReadOnlyDictionary<string, HostTensor>> run, BenchRequest timing)
    {
        var results = run();
        if (timing.Iterations is not int n) return (results, null);
        for (int i = 0; i < timing.Warmup; i++) run();
        var samples = new double[n];
        for (int i = 0; i < n; i++)
        {
            long start = Stopwatch.GetTimestamp();
            run();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return (results, CudaTiming.FromSamples(timing.Warmup, samples));
    }

    internal sealed record BenchRequest(int? Iterations, int Warmup)
    {
        public static readonly BenchRequest None = new(null, 0);
    }

    /// <summary>Writes every output (already in the element type the model declares), all or nothing.</summary>
    internal static void WriteOutputs(IReadOnlyList<(string Name, TypedTensor Tensor)> outputs, string directory)
    {
        // All outputs are written to a staging directory first and moved into place together.
        Directory.CreateDirectory(directory);
        string staging = Path.Combine(directory, $".dnnc-run-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            for (int i = 0; i < outputs.Count; i++)
                TensorFiles.WriteTensorProto(Path.Combine(staging, $"output_{i}.pb"), outputs[i].Name, outputs[i].Tensor);
            for (int i = 0; i < outputs.Count; i++)
                File.Move(Path.Combine(staging, $"output_{i}.pb"), Path.Combine(directory, $"output_{i}.pb"), overwrite: true);
            for (int i = 0; i < outputs.Count; i++)
                Console.WriteLine($"output_{i}.pb: {outputs[i].Name} {outputs[i].Tensor.ShapeText} {ElementTypes.Name(outputs[i].Tensor.Type)}");
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }
}
