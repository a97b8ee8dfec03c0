using System.Diagnostics;
using System.Globalization;
using DnnC.Cli;
using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.Onnx;
using DnnC.Compiler.Onnx.Proto;
using DnnC.Compiler.Tensors;
using DnnC.Conformance.Models;
using DnnC.Conformance.Reporting;
using DnnC.Runtime;
using DnnC.Runtime.Plan;
using DnnC.Simulator;
using Google.Protobuf;

namespace DnnC.Conformance.Bench;

/// <summary>
/// The simulator against ONNX Runtime (CPU) on one machine in one process (issue 4's latency goal: sim ≤ 3× ORT):
/// light_resnet50 with seeded random weights (<see cref="WeightRandomizer"/>) at 1x3x224x224. Both engines load
/// the model once, run untimed warm-ups, then time <c>runs</c> inferences; the medians are printed. The sim side
/// is what <c>dnnc run --backend sim</c> executes (<see cref="BuildPipeline.Lower"/>, then <see cref="PlanSimulator"/>);
/// the ORT side is one <see cref="OnnxRuntimeSession"/> (NuGet Microsoft.ML.OnnxRuntime) reused for every run. Then
/// each engine's load to first output (import and lowering, or session creation, plus one inference) is timed
/// <c>loads</c> times. The sim's outputs are checked against ORT's so that a fast wrong answer cannot pass for a benchmark.
/// </summary>
public static class SimVsOrtBenchmark
{
    public const string Model = "light_resnet50";
    private static readonly int[] InputShape = [1, 3, 224, 224];

    public const string Usage = "usage: dotnet run --project tests/DnnC.Conformance -c Release -- bench-sim-vs-ort [--runs N] [--warmup N] [--loads N] [--seed S] [--keep DIR]";

    /// <summary>The <c>bench-sim-vs-ort</c> command: arguments after its name.</summary>
    public static int Command(IReadOnlyList<string> args)
    {
        int runs = 10, warmup = 5, loads = 3;
        ulong seed = 42;
        string? keep = null;
        for (int i = 0; i < args.Count; i++)
        {
            string? value = i + 1 < args.Count ? args[i + 1] : null;
            bool ok = args[i] switch
            {
                "--runs" => int.TryParse(value, CultureInfo.InvariantCulture, out runs) && runs > 0,
                "--warmup" => int.TryParse(value, CultureInfo.InvariantCulture, out warmup) && warmup >= 0,
                "--loads" => int.TryParse(value, CultureInfo.InvariantCulture, out loads) && loads >= 0,
                "--seed" => ulong.TryParse(value, CultureInfo.InvariantCulture, out seed),
                "--keep" => (keep = value) is { Length: > 0 },
                _ => false,
            };
            if (!ok)
            {
                Console.Error.WriteLine($"error: bad argument '{args[i]}'{(value is null ? "" : $" '{value}'")}");
                Console.Error.WriteLine(Usage);
                return 2;
            }
            i++;
        }
        return Run(runs, warmup, loads, seed, keep is null ? null : Path.GetFullPath(keep));
    }

    public static int Run(int runs, int warmup, int loads, ulong seed, string? keepDirectory)
    {
        if (OnnxRuntime.Unavailable() is { } missing)
        {
            Console.Error.WriteLine($"error: {missing}");
            return 2;
        }
        string source = Path.Combine(RepoPaths.Shared, "onnx", "light", Model + ".onnx");
        var original = ModelProto.Parser.ParseFrom(File.ReadAllBytes(source));
        var model = FinalSoftmax.Remove(WeightRandomizer.Randomize(original, seed));
        string work = keepDirectory ?? Path.Combine(Path.GetTempPath(), $"dnnc-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            string modelPath = Path.Combine(work, Model + "_random.onnx"), inputPath = Path.Combine(work, "input_0.pb");
            byte[] modelBytes = model.ToByteArray();
            File.WriteAllBytes(modelPath, modelBytes);
            var input = RandomInput(seed);
            TensorFiles.WriteTensorProto(inputPath, "", input);

            var (simMedian, simRuns, simOutput) = TimeSimulator(modelBytes, input, runs, warmup);
            var (ortMedian, ortRuns, ortOutput) = TimeOnnxRuntime(modelBytes, input, runs, warmup);
            double error = RelativeL2(ortOutput, simOutput);

            Console.WriteLine($"model: {Model} with random weights (seed {seed}), input 1x3x224x224, {runs} timed runs after {warmup} warm-ups each, {Environment.ProcessorCount} cores");
            Console.WriteLine($"sim (dnnc run --backend sim, in process): median {Ms(simMedian)} ms, min {Ms(simRuns.Min())} ms; runs {string.Join(" ", simRuns.Select(Ms))}");
            Console.WriteLine($"ONNX Runtime CPU ({OrtName}): median {Ms(ortMedian)} ms, min {Ms(ortRuns.Min())} ms; runs {string.Join(" ", ortRuns.Select(Ms))}");
            Console.WriteLine($"sim / ORT: {(simMedian / ortMedian).ToString("0.00", CultureInfo.InvariantCulture)}x by median, " +
                              $"{(simRuns.Min() / ortRuns.Min()).ToString("0.00", CultureInfo.InvariantCulture)}x by min (goal ≤ 3x); " +
                              $"relative L2 of sim vs ORT output: {error.ToString("E2", CultureInfo.InvariantCulture)}");
            if (loads > 0)
            {
                // After the runs above, so both engines' code is JIT-compiled: this is load work, not process start-up.
                var simLoads = TimeLoads(loads, () => RunSimulatorOnce(modelBytes, input));
                var ortLoads = TimeLoads(loads, () => RunOnnxRuntimeOnce(modelBytes, input));
                Console.WriteLine($"load to first output, {loads} times each (sim: import, lowering, one inference; ORT: session creation, one inference): " +
                                  $"sim median {Ms(Median(simLoads))} ms, ORT median {Ms(Median(ortLoads))} ms");
            }
            if (keepDirectory is not null) Console.WriteLine($"model and input kept in {work}");
            return error < 1e-3 ? 0 : 1;
        }
        finally
        {
            if (keepDirectory is null) Directory.Delete(work, recursive: true);
        }
    }

    private const string OrtName = "NuGet Microsoft.ML.OnnxRuntime 1.31.1, in process";

    private static (double Median, double[] Runs, double[] Output) TimeSimulator(byte[] model, HostTensor input, int runs, int warmup)
    {
        var (plan, weights, feeds, outputName) = LowerForSimulator(model, input);
        // Warm-ups: the weight panels the simulator packs once per weight, and .NET's tiered JIT, which runs the first
        // few inferences in quick-to-compile code and swaps in optimized code in the background.
        for (int i = 0; i < warmup; i++) PlanSimulator.Run(plan, weights, feeds);
        var times = new double[runs];
        IReadOnlyDictionary<string, HostTensor> outputs = null!;
        for (int i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            outputs = PlanSimulator.Run(plan, weights, feeds);
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        return (Median(times), times, outputs[outputName].Data.Select(v => (double)v).ToArray());
    }

    private static (KernelPlan Plan, PlanWeights Weights, Dictionary<string, HostTensor> Feeds, string OutputName)
        LowerForSimulator(byte[] model, HostTensor input)
    {
        var diagnostics = new DiagnosticBag();
        var graph = OnnxImporter.Load(model, Model + ".onnx", new Dictionary<string, int[]>(), diagnostics)
                    ?? throw new CompilationFailedException(diagnostics.Items);
        var lowered = BuildPipeline.Lower(graph, diagnostics);
        var feeds = new Dictionary<string, HostTensor> { [graph.Inputs[0].Name] = input };
        return (lowered.Plan, lowered.Weights, feeds, graph.Outputs[0].Name);
    }

    private static void RunSimulatorOnce(byte[] model, HostTensor input)
    {
        var (plan, weights, feeds, _) = LowerForSimulator(model, input);
        PlanSimulator.Run(plan, weights, feeds);
    }

    /// <summary>
    /// One session for every run, as ORT's users hold one. Each timed run includes the float32 input's conversion to an
    /// ORT tensor and the output's back (a copy of 150,528 and 1,000 values, well under 1% of an inference).
    /// </summary>
    private static (double Median, double[] Runs, double[] Output) TimeOnnxRuntime(byte[] model, HostTensor input, int runs, int warmup)
    {
        using var session = OnnxRuntimeSession.Open(model);
        (string, TypedTensor)[] feeds = [("", TypedTensor.FromFloats(input.Shape, input.Data))];
        // Warm-ups: ORT allocates its arena and spins up its thread pool on the first runs.
        for (int i = 0; i < warmup; i++) session.Run(feeds);
        var times = new double[runs];
        IReadOnlyList<(string Name, TypedTensor Tensor)> outputs = null!;
        for (int i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            outputs = session.Run(feeds);
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        return (Median(times), times, outputs[0].Tensor.Values);
    }

    private static void RunOnnxRuntimeOnce(byte[] model, HostTensor input)
    {
        using var session = OnnxRuntimeSession.Open(model);
        session.Run([("", TypedTensor.FromFloats(input.Shape, input.Data))]);
    }

    private static double[] TimeLoads(int count, Action load)
    {
        var times = new double[count];
        for (int i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            load();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        return times;
    }

    private static HostTensor RandomInput(ulong seed)
    {
        var rng = new Random(unchecked((int)seed) ^ 0x5EED);
        var data = new float[HostTensor.ElementCount(InputShape)];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        return new HostTensor(InputShape, data);
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static double RelativeL2(double[] expected, double[] actual)
    {
        double num = 0, den = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            num += (actual[i] - expected[i]) * (actual[i] - expected[i]);
            den += expected[i] * expected[i];
        }
        return Math.Sqrt(num / den);
    }

    private static string Ms(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture);
}
