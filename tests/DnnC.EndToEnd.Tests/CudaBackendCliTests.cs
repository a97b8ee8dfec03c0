using System.Globalization;
using DnnC.Cli;
using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Reference;
using DnnC.Compiler.Tensors;
using DnnC.Runtime;
using DnnC.Runtime.Cuda;

namespace DnnC.EndToEnd.Tests;

/// <summary>
/// run --backend cuda|auto and the flags the GPU check uses (--bench, --seed, --no-graph, shape
/// flags), through the real CLI. The GPU-only paths are covered by the [GpuFact] tests of DnnC.Gpu.Tests, which scripts/gpu-check.sh runs on the GPU machine.
/// </summary>
public class CudaBackendCliTests
{
    private static readonly bool HasDriver = CudaLibraryResolver.TryLoad(CudaLibraryResolver.Driver, out _, out _);

    private static double RelativeL2(float[] actual, float[] expected)
    {
        double num = 0, den = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            num += Math.Pow((double)actual[i] - expected[i], 2);
            den += Math.Pow(expected[i], 2);
        }
        return Math.Sqrt(num / den);
    }

    [Fact]
    public void Cuda_without_a_driver_exits_1_with_a_diagnostic_and_no_stack_trace()
    {
        if (HasDriver) return; // a GPU machine runs the [GpuFact] tests instead
        string dir = Cli.TempDir();
        var result = Cli.Run("run", Cli.Example("mlp"), "--backend", "cuda", "--seed", "1", "--output-dir", dir);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("error DNN8001", result.Stderr);
        Assert.Contains("no CUDA driver was found", result.Stderr);
        Assert.Contains("libcuda.so.1", result.Stderr);
        Assert.DoesNotContain("Exception", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.False(File.Exists(Path.Combine(dir, "output_0.pb")));
    }

    [Fact]
    public void Auto_without_a_driver_falls_back_to_the_simulator_and_says_why()
    {
        if (HasDriver) return;
        string dir = Cli.TempDir();
        var auto = Cli.Run("run", Cli.Example("mobilenet_block"), "--backend", "auto", "--seed", "4", "--output-dir", Path.Combine(dir, "auto"));
        var sim = Cli.Run("run", Cli.Example("mobilenet_block"), "--backend", "sim", "--seed", "4", "--output-dir", Path.Combine(dir, "sim"));
        Assert.True(auto.ExitCode == 0, auto.ToString());
        Assert.True(sim.ExitCode == 0, sim.ToString());
        Assert.Contains("--backend auto chose 'sim'", auto.Stderr);
        Assert.Contains("no CUDA driver was found", auto.Stderr);
        Assert.Equal(TensorFiles.Read(Path.Combine(dir, "sim", "output_0.pb")).Tensor.Data,
            TensorFiles.Read(Path.Combine(dir, "auto", "output_0.pb")).Tensor.Data);
    }

    [Fact]
    public void Seed_fills_inputs_in_graph_order_from_one_generator_and_the_backends_agree()
    {
        var graph = BuildPipeline.Load(Cli.Example("resnet_block"), new CompileOverrides(), new DiagnosticBag());
        string dir = Cli.TempDir();
        var result = Cli.Run("run", Cli.Example("resnet_block"), "--backend", "sim", "--seed", "42", "--output-dir", dir);
        Assert.True(result.ExitCode == 0, result.ToString());

        var random = new Random(42);
        var feeds = graph.Inputs.ToDictionary(i => i.Name, i =>
            new HostTensor(i.Type.Dims, Enumerable.Range(0, (int)i.Type.ElementCount).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()));
        var expected = ReferenceExecutor.Run(graph, feeds)[graph.Outputs[0].Name].Data;
        var actual = TensorFiles.Read(Path.Combine(dir, "output_0.pb")).Tensor.Data;
        // A wrong input would be off by order 1; FP32 reordering against the float64 reference stays far below 1e-5.
        Assert.True(RelativeL2(actual, expected) <= 1e-5, $"relative L2 {RelativeL2(actual, expected):E2}");
    }

    [Fact]
    public void Different_seeds_give_different_inputs_and_an_input_file_takes_precedence()
    {
        string dir = Cli.TempDir();
        Assert.Equal(0, Cli.Run("run", Cli.Example("mlp"), "--seed", "1", "--output-dir", Path.Combine(dir, "a")).ExitCode);
        Assert.Equal(0, Cli.Run("run", Cli.Example("mlp"), "--seed", "2", "--output-dir", Path.Combine(dir, "b")).ExitCode);
        var graph = BuildPipeline.Load(Cli.Example("mlp"), new CompileOverrides(), new DiagnosticBag());
        var random = new Random(3);
        var x = new HostTensor(graph.Inputs[0].Type.Dims,
            Enumerable.Range(0, (int)graph.Inputs[0].Type.ElementCount).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray());
        TensorFiles.WriteNpy(Path.Combine(dir, "x.npy"), x);
        Assert.Equal(0, Cli.Run("run", Cli.Example("mlp"), "--seed", "1", "--input", Path.Combine(dir, "x.npy"), "--output-dir", Path.Combine(dir, "c")).ExitCode);

        float[] Out(string d) => TensorFiles.Read(Path.Combine(dir, d, "output_0.pb")).Tensor.Data;
        Assert.NotEqual(Out("a"), Out("b"));
        var expected = ReferenceExecutor.Run(graph, new Dictionary<string, HostTensor> { [graph.Inputs[0].Name] = x })[graph.Outputs[0].Name].Data;
        Assert.Equal(expected, Out("c"));
    }

    [Fact]
    public void A_shape_flag_fixes_a_dynamic_onnx_input_for_a_seeded_run()
    {
        string model = Path.Combine(Cli.RepoRoot, "..", "shared", "models", "ppocr_mobile_v2_cls.onnx");
        if (!File.Exists(model)) return; // the shared test data is not mounted
        string dir = Cli.TempDir();
        var sim = Cli.Run("run", model, "--backend", "sim", "--input", "x=1x3x48x192", "--seed", "9", "--output-dir", Path.Combine(dir, "sim"));
        var reference = Cli.Run("run", model, "--backend", "reference", "--input", "x=1x3x48x192", "--seed", "9", "--output-dir", Path.Combine(dir, "ref"));
        Assert.True(sim.ExitCode == 0, sim.ToString());
        Assert.True(reference.ExitCode == 0, reference.ToString());
        var probabilities = TensorFiles.Read(Path.Combine(dir, "sim", "output_0.pb")).Tensor;
        Assert.Equal([1, 2], probabilities.Shape);
        var compare = Cli.Run("compare", Path.Combine(dir, "sim"), Path.Combine(dir, "ref"), "--max-rel-l2", "1e-4");
        Assert.True(compare.ExitCode == 0, compare.ToString());
    }

    [Fact]
    public void A_shape_flag_that_contradicts_a_dsl_model_is_a_diagnostic()
    {
        var result = Cli.Run("run", Cli.Example("mlp"), "--input", "x=1x2x3", "--seed", "1", "--output-dir", Cli.TempDir());
        Assert.True(result.ExitCode is 1 or 2, result.ToString());
        Assert.Contains("DNN9005", result.Stderr);
    }

    [Fact]
    public void Bench_prints_one_parseable_line_with_the_requested_iterations()
    {
        string dir = Cli.TempDir();
        var result = Cli.Run("run", Cli.Example("mlp"), "--backend", "sim", "--seed", "1", "--bench", "4", "--warmup", "1", "--no-graph", "--output-dir", dir);
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n').Where(l => l.StartsWith("bench ")).ToList();
        Assert.Single(lines);
        var fields = lines[0].Trim().Split(' ').Skip(1).Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        Assert.Equal("Mlp", fields["model"]);
        Assert.Equal("sim", fields["backend"]);
        Assert.Equal("4", fields["iterations"]);
        Assert.Equal("1", fields["warmup"]);
        double Ms(string key) => double.Parse(fields[key], CultureInfo.InvariantCulture);
        Assert.True(Ms("min_ms") > 0 && Ms("min_ms") <= Ms("median_ms") && Ms("median_ms") <= Ms("max_ms"), lines[0]);
        // The CPU backends time one execution per sample and do not measure their warm-up.
        Assert.Equal("1", fields["replays_per_sample"]);
        Assert.Equal("1", fields["warmup_runs"]);
        Assert.False(fields.ContainsKey("warmup_ms"), lines[0]);
        Assert.True(File.Exists(Path.Combine(dir, "output_0.pb")));
    }

    [Fact]
    public void The_bench_line_keeps_its_keys_in_order_and_adds_the_replay_and_warm_up_ones_at_the_end()
    {
        var t = CudaTiming.FromSamples(10, [0.02, 0.01, 0.03]) with { ReplaysPerSample = 50, WarmupRuns = 10_010, WarmupMs = 200.25 };
        string line = BenchLine.Format("resnet 50", "cuda", "sm_90", graph: true, t);
        Assert.Equal(
            "bench model=resnet_50 backend=cuda device=sm_90 graph=yes warmup=10 iterations=3 median_ms=0.020 min_ms=0.010 " +
            "mean_ms=0.020 max_ms=0.030 replays_per_sample=50 warmup_runs=10010 warmup_ms=200.250",
            line);
    }

    [Fact]
    public void A_fault_in_a_graph_replay_names_the_graph_and_suggests_no_graph()
    {
        var replay = new CudaException("cuStreamSynchronize", 700, "CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access was encountered",
            null, null, graph: "the CUDA graph of model Mlp (3 kernels)");
        var d = CudaBackend.ToDiagnostic(replay);
        Assert.Equal("DNN8005", d.Code);
        Assert.Contains("the CUDA graph of model Mlp (3 kernels)", d.Message);
        Assert.Contains("CUDA_ERROR_ILLEGAL_ADDRESS", d.Message);
        Assert.Contains("--no-graph", d.Help);

        var eager = new CudaException("cuStreamSynchronize", 700, "CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access was encountered",
            "k1_gemm", "fc1, relu1");
        var named = CudaBackend.ToDiagnostic(eager);
        Assert.Equal("DNN8002", named.Code);
        Assert.Contains("kernel k1_gemm, layers fc1, relu1", named.Message);
    }

    [Theory]
    [InlineData("--bench", "0")]
    [InlineData("--bench", "-3")]
    [InlineData("--bench", "many")]
    [InlineData("--warmup", "-1")]
    [InlineData("--seed", "x")]
    public void Bad_values_for_the_new_flags_are_usage_errors(string flag, string value)
    {
        var result = Cli.Run("run", Cli.Example("mlp"), "--backend", "sim", "--seed", "1", flag, value, "--output-dir", Cli.TempDir());
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public void Info_reports_the_toolchain_and_says_when_there_is_no_gpu()
    {
        var result = Cli.Run("info");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"(?m)^nvrtc: ", result.Stdout);
        if (Nvrtc.IsAvailable(out _))
        {
            // What the loader really mapped, and a compile that proves the builtins load.
            Assert.Matches(@"(?m)^nvrtc-library: /\S*libnvrtc\.so", result.Stdout);
            Assert.Matches(@"(?m)^nvrtc-compile: ok", result.Stdout);
            Assert.Matches(@"(?m)^nvrtc-builtins: /\S*libnvrtc-builtins\.so", result.Stdout);
        }
        if (HasDriver) Assert.Matches(@"(?m)^cuda-library: \S*libcuda\.so", result.Stdout);
        if (!HasDriver) Assert.Matches(@"(?m)^gpu: none: no CUDA driver was found", result.Stdout);
        else Assert.Matches(@"(?m)^sms: [0-9]+", result.Stdout);
    }
}
