using DnnC.Compiler.Build;
using DnnC.Compiler.CodeGen;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Reference;
using DnnC.Compiler.Tests.TestSupport;
using DnnC.Runtime.Plan;
using DnnC.Simulator;
using Xunit.Abstractions;

namespace DnnC.Compiler.Tests.CodeGen.CpuEmulation;

/// <summary>
/// Every example built with <c>--precision fp16</c> and <c>--precision tf32</c>, as <c>dnnc build</c> lowers it, run three
/// ways on fresh random inputs: the generated kernels.cu through the g++ twin (tensor-core instructions modelled from the
/// PTX ISA tables), the simulator on the same plan and weight blob, and the float64 reference on the unoptimized graph.
/// The twin and the simulator compute the same FP16 (or TF32) data and may differ only by FP32 summation order (and the
/// FP16 roundings that order flips); both must stay within the numerics contract of the reference.
/// </summary>
public sealed class TensorCorePlanTests(ITestOutputHelper output)
{
    public static TheoryData<string, Precision> Builds()
    {
        var data = new TheoryData<string, Precision>();
        foreach (string name in RepoFiles.ExampleNames())
            foreach (var precision in new[] { Precision.Fp16, Precision.Tf32 })
                data.Add(name, precision);
        return data;
    }

    [Theory]
    [MemberData(nameof(Builds))]
    public void Emulated_cuda_simulator_and_reference_agree(string name, Precision precision)
    {
        if (!CpuKernelLibrary.CompilerAvailable(out string reason)) { output.WriteLine("skipped: " + reason); return; }
        var diagnostics = new DiagnosticBag();
        var graph = BuildPipeline.Load(RepoFiles.Example(name), new CompileOverrides(Precision: precision), diagnostics);
        var lowered = BuildPipeline.Lower(graph, diagnostics);
        var plan = lowered.Plan;
        var math = precision == Precision.Fp16 ? MathMode.Fp16TensorCore : MathMode.Tf32TensorCore;
        Assert.Contains(plan.Kernels, k => k.Numerics.Math == math && k.Spec is ConvSpec { Mma: not null } or GemmSpec { Mma: not null });
        using var library = CpuKernelLibrary.Build(CudaEmitter.Emit(plan));

        var rng = new Rng(name.Length * 31 + (int)precision);
        var inputs = graph.Inputs.ToDictionary(i => i.Name, i => rng.Tensor(i.Type.Dims));
        var expected = ReferenceExecutor.Run(graph, inputs);
        var simulated = PlanSimulator.Run(plan, lowered.Weights, inputs);
        var emulated = PlanEmulator.Run(plan, library, lowered.Optimized.Weights, inputs);
        Assert.Equal(0, library.TwinErrors());
        foreach (var o in graph.Outputs)
        {
            double twinVsSim = Compare.RelativeL2(simulated[o.Name], emulated[o.Name]);
            double simVsReference = Compare.RelativeL2(expected[o.Name], simulated[o.Name]);
            double twinVsReference = Compare.RelativeL2(expected[o.Name], emulated[o.Name]);
            output.WriteLine($"{name} {precision} {o.Name}: twin vs simulator {twinVsSim:E2}, simulator vs reference {simVsReference:E2}, twin vs reference {twinVsReference:E2}");
            Assert.InRange(twinVsSim, 0, precision == Precision.Fp16 ? 2e-3 : 1e-5);
            Assert.InRange(simVsReference, 0, 1e-2);
            Assert.InRange(twinVsReference, 0, 1e-2);
        }
    }
}
