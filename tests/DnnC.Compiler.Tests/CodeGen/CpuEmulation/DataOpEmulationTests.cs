using System.Text;
using DnnC.Compiler.Build;
using DnnC.Compiler.CodeGen;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Lowering;
using DnnC.Compiler.Reference;
using DnnC.Runtime.Targets;
using DnnC.Compiler.Tests.TestSupport;
using DnnC.Runtime;
using DnnC.Runtime.Cuda;
using DnnC.Runtime.Plan;
using DnnC.Tests.Shared;
using Xunit.Abstractions;

namespace DnnC.Compiler.Tests.CodeGen.CpuEmulation;

/// <summary>
/// The data-movement and window templates (slice, gather, pad, expand, tile, resize,
/// conv_transpose, dilated pooling), end to end: every <see cref="DataOpCases"/> graph is optimized
/// and lowered, its generated CUDA is compiled by NVRTC for sm_80 and sm_90 without spills, and run
/// through the g++ emulation on fresh random inputs against the float64 reference executor.
/// All cases go into one source (kernels renamed per case) so g++ and NVRTC run once each.
/// </summary>
public sealed class DataOpEmulationTests(ITestOutputHelper output, DataOpEmulationTests.Library emulated)
    : IClassFixture<DataOpEmulationTests.Library>
{
    /// <summary>The g++ build of every case's kernels, shared by the tests of this class (one build takes seconds).</summary>
    public sealed class Library : IDisposable
    {
        private readonly Lazy<CpuKernelLibrary> _library = new(() => CpuKernelLibrary.Build(Source()));
        internal CpuKernelLibrary Value => _library.Value;
        public void Dispose()
        {
            if (_library.IsValueCreated) _library.Value.Dispose();
        }
    }

    private static readonly Lazy<List<(string Name, Graph Graph, Graph Optimized, KernelPlan Plan)>> Cases = new(() =>
        DataOpCases.All.Select((entry, i) =>
        {
            var graph = entry.Value();
            var (optimized, _) = BuildPipeline.Optimize(graph);
            var plan = PlanLowering.Lower(optimized, GpuTarget.H100, new DiagnosticBag());
            var renamed = plan.Kernels.Select(k => k with { Name = $"c{i}_{k.Name}", CodeOf = k.CodeOf is null ? null : $"c{i}_{k.CodeOf}" }).ToEquatableArray();
            return (entry.Key, graph, optimized, plan with { Kernels = renamed });
        }).ToList());

    private static string Source()
    {
        var text = new StringBuilder(DeviceHelpers.Source);
        foreach (var c in Cases.Value)
            foreach (var kernel in c.Plan.Kernels) text.Append(KernelTemplates.Emit(kernel, c.Plan)).Append('\n');
        return text.ToString();
    }

    [GxxFact]
    public void Every_data_op_case_matches_the_reference_through_the_cuda_emulation()
    {
        var library = emulated.Value;
        var failures = new List<string>();
        foreach (var (name, graph, optimized, plan) in Cases.Value)
            for (int trial = 0; trial < 2; trial++)
            {
                var inputs = DataOpCases.Inputs(graph, seed: name.Length * 97 + trial);
                var expected = ReferenceExecutor.Run(graph, inputs);
                var actual = PlanEmulator.Run(plan, library, optimized.Weights, inputs);
                foreach (var o in graph.Outputs)
                {
                    string? problem = Mismatch(expected[o.Name], actual[o.Name]);
                    if (problem is not null) failures.Add($"{name}.{o.Name} (trial {trial}): {problem}");
                }
            }
        output.WriteLine($"{Cases.Value.Count} cases, {Cases.Value.Sum(c => c.Plan.Kernels.Count)} kernels");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>A kernel cannot raise an error: an out-of-range gather index must poison its row with NaN, not read memory.</summary>
    [GxxFact]
    public void A_gather_index_out_of_range_writes_nan_and_leaves_the_other_rows_exact()
    {
        var (name, graph, optimized, plan) = Cases.Value.Single(c => c.Name == "gather_runtime_indices");
        var library = emulated.Value;
        var inputs = DataOpCases.Inputs(graph, seed: 11);
        var indices = inputs["indices"];
        var good = inputs.ToDictionary(i => i.Key, i => i.Value);
        int bad = 4;
        float[] data = [.. indices.Data];
        data[bad] = 0; // the reference needs a valid index; row `bad` is checked for NaN separately
        good["indices"] = new HostTensor(indices.Shape.ToArray(), data);
        var expected = ReferenceExecutor.Run(graph, good)["y"];
        data = [.. indices.Data];
        data[bad] = -1000;
        inputs["indices"] = new HostTensor(indices.Shape.ToArray(), data);
        var actual = PlanEmulator.Run(plan, library, optimized.Weights, inputs)["y"];
        int row = expected.Length / indices.Length;
        for (int i = 0; i < expected.Length; i++)
        {
            if (i / row == bad) Assert.True(float.IsNaN(actual.Data[i]), $"{name}: element {i} of the bad row is {actual.Data[i]}");
            else Assert.Equal(expected.Data[i], actual.Data[i]);
        }
    }

    [NvrtcFact]
    public void Data_op_kernels_compile_for_sm80_without_spills() => CompileWithoutSpills("sm_80");

    [NvrtcFact]
    public void Data_op_kernels_compile_for_sm90_without_spills() => CompileWithoutSpills("sm_90");

    [Fact]
    public void The_cases_cover_every_data_op_template()
    {
        var templates = Cases.Value.SelectMany(c => c.Plan.Kernels.Select(k => k.Spec.Template)).ToHashSet();
        string[] expected = ["slice", "gather", "pad", "tile", "resize", "conv_transpose", "dilated_pool", "pointwise"];
        Assert.Empty(expected.Except(templates));
        // Every resize mode (1, 2 and 4 taps), antialiased ones (wider tap windows), and every pad fill.
        var specs = Cases.Value.SelectMany(c => c.Plan.Kernels.Select(k => k.Spec)).ToList();
        var taps = specs.OfType<ResizeSpec>().Select(r => r.Taps).ToHashSet();
        Assert.Superset(new HashSet<int> { 1, 2, 4 }, taps);
        Assert.Contains(taps, t => t > 4);
        Assert.Equal(Enum.GetValues<PadFill>().Length, specs.OfType<PadSpec>().Select(p => p.Fill).Distinct().Count());
    }

    private void CompileWithoutSpills(string arch)
    {
        var result = Nvrtc.Compile(Source(), arch, "data_ops.cu");
        Assert.NotEmpty(result.Cubin);
        foreach (var kernel in Cases.Value.SelectMany(c => c.Plan.Kernels))
        {
            var info = Assert.Single(result.Kernels, k => k.Kernel == kernel.Function);
            output.WriteLine($"{info.Kernel}: {info.Registers} regs, {info.SharedBytes} B smem, spills {info.SpillStoreBytes}/{info.SpillLoadBytes}");
            Assert.Equal(0, info.SpillStoreBytes);
            Assert.Equal(0, info.SpillLoadBytes);
            Assert.True(info.SharedBytes <= 48 * 1024);
        }
    }

    /// <summary>ONNX's rtol with an atol for float32 sums that cancel to about zero; NaN must match NaN.</summary>
    private static string? Mismatch(HostTensor expected, HostTensor actual)
    {
        if (!expected.Shape.SequenceEqual(actual.Shape)) return $"shape {actual.ShapeText}, expected {expected.ShapeText}";
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected.Data[i], a = actual.Data[i];
            if (float.IsNaN(e) != float.IsNaN(a) || Math.Abs(a - e) > 1e-5 + 1e-4 * Math.Abs(e))
                return $"element {i} is {a:R}, the reference {e:R}";
        }
        return null;
    }
}
