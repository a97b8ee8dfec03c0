using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.Lowering;
using DnnC.Compiler.Syntax;
using DnnC.Runtime.Targets;
using DnnC.Compiler.Text;
using DnnC.Runtime.Cuda;
using DnnC.Runtime.Plan;

namespace DnnC.Runtime.Tests.Cuda;

/// <summary>
/// CudaModel and CudaDevice against <see cref="FakeCudaDriver"/>: the order of driver calls a GPU
/// would see for the eager pass, graph capture and replay, what is left after a failure, which
/// kernel or graph an error names, the context on every thread, and the shape of a timing run.
/// </summary>
public sealed class CudaModelFakeDriverTests
{
    private const string Model = """
        model M(x: f32[2, 8, 12, 12]) -> (y, z) {
          a = x |> conv2d(16, kernel: 3, pad: 1) |> relu
          b = a |> maxpool(kernel: 2) |> flatten
          y = b |> dense(10) |> softmax
          z = a |> global_avgpool
        }
        """;

    private static readonly Lazy<(KernelPlan Plan, PlanWeights Weights, Dictionary<string, HostTensor> Inputs)> Built = new(() =>
    {
        var diagnostics = new DiagnosticBag();
        var graph = DslFrontend.Load(new SourceText("m.dnn", Model), diagnostics);
        Assert.True(graph is not null, DiagnosticRenderer.RenderAll(diagnostics.Items));
        var (optimized, _) = BuildPipeline.Optimize(graph!);
        var plan = PlanLowering.Lower(optimized, GpuTarget.H100, diagnostics);
        var inputs = graph!.Inputs.ToDictionary(i => i.Name, i => new HostTensor(i.Type.Dims, new float[i.Type.ElementCount]));
        return (plan, DnnC.Runtime.Encoders.WeightPacker.Pack(plan, optimized.Weights.Items), inputs);
    });

    private static KernelPlan Plan => Built.Value.Plan;
    private static Dictionary<string, HostTensor> Inputs => Built.Value.Inputs;

    private static CudaModel Load(CudaDevice device, bool useGraph = true) =>
        CudaModel.Load(device, Plan, new Dictionary<string, byte[]> { ["sm_90"] = [0x7F, (byte)'E', (byte)'L', (byte)'F'] }, null,
            Built.Value.Weights, useGraph);

    private static string LaunchOf(int kernel) => $"LaunchKernel {Plan.Kernels[kernel].Function}";

    /// <summary>Runs <paramref name="body"/> on a thread of its own, where no context is current yet.</summary>
    private static void OnNewThread(Action body)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { body(); }
            catch (Exception e) { failure = e; }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) throw new Xunit.Sdk.XunitException($"on a new thread: {failure}");
    }

    [Fact]
    public void The_first_graph_run_launches_and_waits_for_each_kernel_then_captures_and_replays()
    {
        Assert.True(Plan.Kernels.Count >= 3, "the model should lower to several kernels");
        var driver = new FakeCudaDriver();
        using var device = FakeCudaDriver.Device(driver);
        using var model = Load(device);
        driver.ClearCalls();
        model.Run(Inputs);

        var launches = driver.Calls.Where(c => c.StartsWith("LaunchKernel") || c is "StreamSynchronize" or "StreamBeginCapture"
            or "StreamEndCapture" or "GraphInstantiate" or "GraphLaunch").ToList();
        var expected = new List<string>();
        for (int k = 0; k < Plan.Kernels.Count; k++) expected.AddRange([LaunchOf(k), "StreamSynchronize"]);
        expected.Add("StreamBeginCapture");
        for (int k = 0; k < Plan.Kernels.Count; k++) expected.Add(LaunchOf(k));
        expected.AddRange(["StreamEndCapture", "GraphInstantiate", "GraphLaunch", "StreamSynchronize"]);
        Assert.Equal(expected, launches);

        driver.ClearCalls();
        model.Run(Inputs);
        Assert.DoesNotContain(driver.Calls, c => c.StartsWith("LaunchKernel") || c == "StreamBeginCapture");
        Assert.Single(driver.Calls, "GraphLaunch");
    }

    [Fact]
    public void Without_a_graph_every_run_launches_and_waits_for_each_kernel()
    {
        var driver = new FakeCudaDriver();
        using var device = FakeCudaDriver.Device(driver);
        using var model = Load(device, useGraph: false);
        driver.ClearCalls();
        model.Run(Inputs);
        Assert.Equal(Plan.Kernels.Count, driver.Calls.Count(c => c.StartsWith("LaunchKernel")));
        Assert.DoesNotContain(driver.Calls, c => c.StartsWith("StreamBeginCapture") || c.StartsWith("Graph"));
    }

    [Fact]
    public void A_launch_that_fails_during_capture_ends_the_capture_and_its_own_error_is_thrown()
    {
        var driver = new FakeCudaDriver();
        bool failOnce = true;
        driver.Fail = call =>
        {
            if (!failOnce || !driver.Capturing || call != LaunchOf(1)) return 0;
            failOnce = false;
            return FakeCudaDriver.IllegalAddress;
        };
        using var device = FakeCudaDriver.Device(driver);
        using var model = Load(device);

        var e = Assert.Throws<CudaException>(() => model.Run(Inputs));
        Assert.Equal(("cuLaunchKernel", FakeCudaDriver.IllegalAddress, Plan.Kernels[1].Name), (e.Call, e.Result, e.Kernel));
        Assert.False(driver.Capturing, "the capture was left open");
        Assert.Equal(0, driver.LiveGraphs);
        var calls = driver.Calls;
        Assert.Equal("StreamEndCapture", calls[calls.LastIndexOf(LaunchOf(1)) + 1]);

        // The stream is usable again: the next run captures and replays.
        model.Run(Inputs);
        Assert.Equal(2, driver.LiveGraphs); // the graph and its executable instance
    }

    [Fact]
    public void A_capture_still_valid_after_a_failure_is_ended_and_its_partial_graph_destroyed()
    {
        var driver = new FakeCudaDriver { FailureInvalidatesCapture = false };
        driver.Fail = call => driver.Capturing && call == LaunchOf(1) ? FakeCudaDriver.IllegalAddress : 0;
        using var device = FakeCudaDriver.Device(driver);
        using var model = Load(device);
        var e = Assert.Throws<CudaException>(() => model.Run(Inputs));
        Assert.Equal(FakeCudaDriver.IllegalAddress, e.Result);
        Assert.Equal(["StreamEndCapture", "GraphDestroy"], driver.Calls.SkipWhile(c => c != "StreamEndCapture").Take(2));
        Assert.Equal(0, driver.LiveGraphs);
    }

    [Fact]
    public void A_graph_that_fails_to_instantiate_is_destroyed()
    {
        var driver = new FakeCudaDriver { Fail = call => call == "GraphInstantiate" ? 1 : 0 };
        using var device = FakeCudaDriver.Device(driver);
        using var model = Load(device);
        var e = Assert.Throws<CudaException>(() => model.Run(Inputs));
        Assert.Equal("cuGraphInstantiateWithFlags", e.Call);
        Assert.Equal(0, driver.LiveGraphs);
        Assert.False(driver.Capturing);
    }

    [Fact]
    public void A_kernel_that_faults_in_the_eager_pass_is_named_with_its_layers_before_any_capture()
    {
        var driver = new FakeCudaDriver();
        int waits = 0;
        driver.Fail = call => call == "StreamSynchronize" && ++waits == 2 ? FakeCudaDriver.IllegalAddress : 0;
        using var device = FakeCudaDriver.Device(driver);
        using var model = Load(device);
        driver.ClearCalls();
        var e = Assert.Throws<CudaException>(() => model.Run(Inputs));
        Assert.Equal(("cuStreamSynchronize", Plan.Kernels[1].Name, string.Join(", ", Plan.Kernels[1].Layers)), (e.Call, e.Kernel, e.Layers));
        Assert.Null(e.Graph);
        Assert.DoesNotContain("StreamBeginCapture", driver.Calls);
    }

    [Fact]
    public void A_fault_during_a_replay_names_the_graph_and_the_model()
    {
        var driver = new FakeCudaDriver();
        using var device = FakeCudaDriver.Device(driver);
        using var model = Load(device);
        model.Run(Inputs);
        driver.Fail = call => call == "StreamSynchronize" ? FakeCudaDriver.IllegalAddress : 0;
        var e = Assert.Throws<CudaException>(() => model.Run(Inputs));
        Assert.Equal("cuStreamSynchronize", e.Call);
        Assert.Null(e.Kernel);
        Assert.Equal($"the CUDA graph of model {Plan.ModelName} ({Plan.Kernels.Count} kernels)", e.Graph);
        Assert.Contains("while replaying the CUDA graph of model", e.Message);
    }

    [Fact]
    public void A_load_that_fails_halfway_gives_back_what_it_took()
    {
        var driver = new FakeCudaDriver();
        int allocations = 0;
        driver.Fail = call => call == "MemAlloc" && ++allocations == 2 ? 2 : 0; // CUDA_ERROR_OUT_OF_MEMORY for the weights
        using var device = FakeCudaDriver.Device(driver);
        Assert.Throws<CudaException>(() => Load(device));
        Assert.Single(driver.Calls, "MemFree");
        Assert.Single(driver.Calls, "ModuleUnload");
    }

    [Fact]
    public void Every_public_entry_point_makes_the_context_current_on_the_calling_thread()
    {
        var driver = new FakeCudaDriver();
        // The fake refuses a call on a thread where the context is not current, as the driver does.
        OnNewThread(() => Assert.Equal(FakeCudaDriver.InvalidContext, driver.StreamSynchronize(FakeCudaDriver.Stream)));

        var device = FakeCudaDriver.Device(driver);
        CudaModel? model = null;
        OnNewThread(() => model = Load(device));
        OnNewThread(() => model!.Run(Inputs));
        OnNewThread(() => model!.Time(warmup: 1, iterations: 2));
        OnNewThread(() => device.FreeBytes());
        OnNewThread(() => device.Synchronize());
        foreach (var dispose in new Action[] { () => model!.Dispose(), device.Dispose })
        {
            driver.ClearCalls();
            OnNewThread(dispose);
            Assert.Equal("CtxSetCurrent", driver.Calls[0]);
        }
    }

    [Fact]
    public void Timing_warms_up_for_200_ms_of_replays_then_times_k_replays_between_one_event_pair()
    {
        const double replayMs = 0.05;
        var driver = new FakeCudaDriver { KernelMs = replayMs / Plan.Kernels.Count };
        using var device = FakeCudaDriver.Device(driver);
        using var model = Load(device);
        model.Run(Inputs);
        driver.ClearCalls();

        var t = model.Time(warmup: 3, iterations: 5);

        int k = TimingPlan.ReplaysPerSample(replayMs);
        Assert.Equal(20, k);
        Assert.Equal((3, 5, k), (t.Warmup, t.Iterations, t.ReplaysPerSample));
        Assert.True(t.WarmupMs >= TimingPlan.MinimumWarmupMs, $"warm-up {t.WarmupMs} ms");
        Assert.True(t.WarmupRuns >= 3 + TimingPlan.MinimumWarmupMs / replayMs, $"{t.WarmupRuns} warm-up runs");
        Assert.Equal(replayMs, t.MedianMs, 6);
        Assert.Equal(replayMs, t.MinMs, 6);

        // The last sample: K replays between its two events, and no wait among them.
        var calls = driver.Calls;
        int end = calls.LastIndexOf("EventRecord"), start = calls.LastIndexOf("EventRecord", end - 1);
        var inside = calls.Skip(start + 1).Take(end - start - 1).ToList();
        Assert.Equal(Enumerable.Repeat("GraphLaunch", k), inside);
        Assert.Equal(2, calls.Count(c => c == "EventDestroy"));
        Assert.DoesNotContain("StreamSynchronize", calls);
    }
}
