using DnnC.Compiler.Build;
using DnnC.Compiler.CodeGen;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.Lowering;
using DnnC.Compiler.Reference;
using DnnC.Runtime.Targets;
using DnnC.Runtime.Cuda;
using DnnC.Runtime.Plan;
using DnnC.TestCases;
using Xunit.Abstractions;

namespace DnnC.Compiler.Tests.CodeGen.CpuEmulation;

/// <summary>
/// The math, reduction and normalization templates, over every case of <see cref="MathOpCases"/> in
/// one plan: the generated CUDA compiles for sm_80 and sm_90 without spills, and, run on the CPU
/// through the g++ emulation, matches the float64 reference executor on fresh random inputs.
/// </summary>
public sealed class MathOpKernelTests(ITestOutputHelper output)
{
    private static KernelPlan Plan(out DnnC.Compiler.IR.Graph optimized)
    {
        var graph = MathOpCases.Graph(MathOpCases.All);
        (optimized, _) = BuildPipeline.Optimize(graph);
        return PlanLowering.Lower(optimized, GpuTarget.H100, new DiagnosticBag());
    }

    [Fact]
    public void The_plan_covers_every_new_template_and_both_reduction_paths()
    {
        var plan = Plan(out _);
        var templates = plan.Kernels.Select(k => k.Spec.Template).ToHashSet();
        Assert.Empty(new[] { "pointwise", "reduce", "layernorm", "instancenorm", "log_softmax", "lrn" }.Except(templates));
        var reductions = plan.Kernels.Select(k => k.Spec).OfType<ReduceSpec>().ToList();
        Assert.Contains(reductions, r => r.Length < ReduceTemplate.BlockThreshold);
        Assert.Contains(reductions, r => ReduceTemplate.BlockPerOutput(r) && r.Split().Reduced.Count > 1);
        Assert.Contains(reductions, r => ReduceTemplate.BlockPerOutput(r) && r.Split().Reduced[^1].Stride > 1);
        Assert.Contains(reductions, r => !ReduceTemplate.BlockPerOutput(r) && r.Length >= ReduceTemplate.BlockThreshold);
    }

    [NvrtcFact]
    public void Templates_compile_for_sm80_without_spills() => CompileWithoutSpills("sm_80");

    [NvrtcFact]
    public void Templates_compile_for_sm90_without_spills() => CompileWithoutSpills("sm_90");

    private void CompileWithoutSpills(string arch)
    {
        var plan = Plan(out _);
        var result = Nvrtc.Compile(CudaEmitter.Emit(plan), arch, "math_ops.cu");
        Assert.NotEmpty(result.Cubin);
        foreach (var kernel in plan.Kernels)
        {
            var info = Assert.Single(result.Kernels, k => k.Kernel == kernel.Function);
            output.WriteLine($"{info.Kernel} ({string.Join(",", kernel.Layers)}): {info.Registers} regs, spills {info.SpillStoreBytes}/{info.SpillLoadBytes}");
            Assert.Equal(0, info.SpillStoreBytes);
            Assert.Equal(0, info.SpillLoadBytes);
            Assert.True(info.SharedBytes <= 48 * 1024);
        }
    }

    [GxxFact]
    public void Emulated_kernels_match_the_float64_reference()
    {
        var plan = Plan(out var optimized);
        var graph = MathOpCases.Graph(MathOpCases.All);
        using var library = CpuKernelLibrary.Build(CudaEmitter.Emit(plan));
        var failures = new List<string>();
        for (int trial = 0; trial < 2; trial++)
        {
            var inputs = MathOpCases.Inputs(MathOpCases.All, seed: 4100 + trial);
            var expected = ReferenceExecutor.Run(graph, inputs);
            var actual = PlanEmulator.Run(plan, library, optimized.Weights, inputs);
            foreach (var c in MathOpCases.All)
            {
                string? problem = Mismatch(expected[c.Name].Data, actual[c.Name].Data);
                if (problem is not null) failures.Add($"{c.Name} (trial {trial}): {problem}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [GxxFact]
    public void Emulated_fused_unary_steps_match_the_float64_reference()
    {
        var graph = MathOpCases.FusedGraph(seed: 9);
        var (optimized, _) = BuildPipeline.Optimize(graph);
        var plan = PlanLowering.Lower(optimized, GpuTarget.H100, new DiagnosticBag());
        Assert.Contains(plan.Kernels, k => k.Spec is GemmSpec g && g.Epilogue.Count(s => s is UnaryMathStep) == 2);
        Assert.Contains(plan.Kernels, k => k.Spec is PointwiseSpec p && p.Steps.Count == 4);
        using var library = CpuKernelLibrary.Build(CudaEmitter.Emit(plan));
        for (int trial = 0; trial < 2; trial++)
        {
            var rng = new Tests.TestSupport.Rng(900 + trial);
            var inputs = graph.Inputs.ToDictionary(i => i.Name, i => rng.Tensor(i.Type.Dims));
            var expected = ReferenceExecutor.Run(graph, inputs);
            var actual = PlanEmulator.Run(plan, library, optimized.Weights, inputs);
            foreach (var o in graph.Outputs)
                Assert.Null(Mismatch(expected[o.Name].Data, actual[o.Name].Data));
        }
    }

    /// <summary>ONNX's rtol, with an atol that admits float32 reordering of sums that cancel to about 0.</summary>
    private static string? Mismatch(float[] expected, float[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (e.Equals(a)) continue;   // equal infinities, and NaN where NaN is expected
            if (!(Math.Abs(a - e) <= 1e-5 + 1e-3 * Math.Abs(e)))
                return $"element {i} is {a:R}, the reference {e:R}";
        }
        return null;
    }
}
