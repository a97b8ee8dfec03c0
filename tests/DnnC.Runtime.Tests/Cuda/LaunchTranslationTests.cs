using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Lowering;
using DnnC.Compiler.Syntax;
using DnnC.Runtime.Targets;
using DnnC.Compiler.Text;
using DnnC.Runtime.Cuda;
using DnnC.Runtime.Plan;

namespace DnnC.Runtime.Tests.Cuda;

/// <summary>The plan-to-launch translation against a fake device that records what would be launched.</summary>
public class LaunchTranslationTests
{
    private sealed class RecordingLauncher : IKernelLauncher
    {
        public List<KernelLaunch> Launches { get; } = new();
        public void Launch(KernelLaunch launch) => Launches.Add(launch);
    }

    private static readonly DeviceRegions Regions = new(0x7f00_0000_0000, 0x7e00_0000_0000);

    private static KernelPlan Plan(string source)
    {
        var diagnostics = new DiagnosticBag();
        var graph = DslFrontend.Load(new SourceText("t.dnn", source), diagnostics);
        Assert.True(graph is not null, DiagnosticRenderer.RenderAll(diagnostics.Items));
        var (optimized, _) = BuildPipeline.Optimize(graph!);
        return PlanLowering.Lower(optimized, GpuTarget.H100, diagnostics);
    }

    private const string Model = """
        model M(x: f32[2, 8, 12, 12]) -> (y, z) {
          a = x |> conv2d(16, kernel: 3, pad: 1) |> relu
          b = a |> maxpool(kernel: 2) |> flatten
          y = b |> dense(10) |> softmax
          z = a |> global_avgpool
        }
        """;

    [Fact]
    public void Every_kernel_is_launched_once_in_plan_order_with_the_plan_geometry()
    {
        var plan = Plan(Model);
        var recorder = new RecordingLauncher();
        foreach (var launch in LaunchTranslation.Build(plan, Regions)) recorder.Launch(launch);

        Assert.Equal(plan.Kernels.Select(k => k.Name), recorder.Launches.Select(l => l.Kernel));
        foreach (var (kernel, launch) in plan.Kernels.Zip(recorder.Launches))
        {
            Assert.Equal(kernel.Launch, launch.Config);
            Assert.Equal(kernel.Args.Count, launch.Arguments.Count);
            Assert.Equal(string.Join(", ", kernel.Layers), launch.Layers);
        }
    }

    [Fact]
    public void Arguments_are_storage_addresses_in_the_right_region_and_outputs_never_alias_inputs()
    {
        var plan = Plan(Model);
        foreach (var (kernel, launch) in plan.Kernels.Zip(LaunchTranslation.Build(plan, Regions)))
        {
            for (int i = 0; i < kernel.Args.Count; i++)
            {
                var storage = plan.Storage(kernel.Args[i]);
                ulong expected = storage.Kind == ValueKind.Weight
                    ? Regions.WeightsBase + (ulong)storage.WeightOffset
                    : Regions.ArenaBase + (ulong)storage.ArenaOffset;
                Assert.Equal(expected, launch.Arguments[i]);
                Assert.Equal(0UL, launch.Arguments[i] % 256);
            }
            var output = plan.Storage(kernel.Args[0]);
            ulong outStart = launch.Arguments[0], outEnd = outStart + (ulong)output.Bytes;
            for (int i = 1; i < kernel.Args.Count; i++)
            {
                ulong start = launch.Arguments[i], end = start + (ulong)plan.Storage(kernel.Args[i]).Bytes;
                Assert.False(start < outEnd && outStart < end, $"{kernel.Name}: output overlaps input {i}");
            }
        }
    }

    [Fact]
    public void A_flatten_reads_its_source_storage_without_a_kernel()
    {
        var plan = Plan(Model);
        var flat = plan.Values.Single(v => v.AliasOf is not null);
        var dense = plan.Kernels.Single(k => k.Spec is GemmSpec);
        Assert.Equal(flat.Id, dense.Args[1]);
        Assert.Equal(
            Regions.ArenaBase + (ulong)plan.Value(flat.AliasOf!.Value).ArenaOffset,
            LaunchTranslation.Build(plan, Regions).Single(l => l.Kernel == dense.Name).Arguments[1]);
    }

    [Fact]
    public void Packed_arguments_point_at_each_value_as_cuLaunchKernel_expects()
    {
        ulong[] values = [0x7f00_0000_0100, 0x7e00_0000_0000, 42, ulong.MaxValue];
        using var packed = new PackedArguments(values);
        Assert.Equal(values.Length, packed.Count);
        for (int i = 0; i < values.Length; i++) Assert.Equal(values[i], packed.Read(i));
    }

    [Fact]
    public void Without_a_driver_opening_a_device_fails_with_a_sentence_not_an_exception()
    {
        if (CudaLibraryResolver.TryLoad(CudaLibraryResolver.Driver, out _, out _)) return; // a GPU machine: nothing to check here
        Assert.False(CudaDevice.TryOpen(0, out var device, out string reason));
        Assert.Null(device);
        Assert.Contains("no CUDA driver was found", reason);
        Assert.Contains("libcuda.so.1", reason);
    }
}
