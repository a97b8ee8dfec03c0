using DnnC.Compiler.Build;
using DnnC.Compiler.CodeGen;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Lowering;
using DnnC.Compiler.Tests.TestSupport;
using DnnC.Runtime;
using DnnC.Runtime.Plan;
using DnnC.Simulator;
using Xunit.Abstractions;

namespace DnnC.Compiler.Tests.CodeGen.CpuEmulation;

/// <summary>
/// Every tile of the tensor-core catalogue, forced onto layers whose shapes leave partial tiles in M, N and K, through
/// the g++ twin against the simulator on the same plan: a grouped, strided 3×3 conv (channels-last, vector copies), a
/// conv on an NCHW model input (element gathers), a dense layer, and a batched matmul whose B is computed at run time
/// (no weight rows: gathered from [K, N]). The examples alone would pick only the small tiles.
/// </summary>
public sealed class MmaTileCatalogueTests(ITestOutputHelper output)
{
    public static TheoryData<int, Precision> Tiles()
    {
        var data = new TheoryData<int, Precision>();
        for (int t = 0; t < MmaTileSelection.Catalogue.Count; t++)
            foreach (var precision in new[] { Precision.Fp16, Precision.Tf32 })
                data.Add(t, precision);
        return data;
    }

    private const string Model = """
        model Shapes(x: f32[1, 16, 18, 14], a: f32[2, 70, 40], c: f32[2, 40, 52]) -> (y, z, p) {
          weights seed 5
          h = x |> conv2d(48, kernel: 3, pad: 1) |> relu
          y = h |> conv2d(72, kernel: 3, stride: 2, pad: 1, groups: 2)
          z = a |> dense(36)
          p = matmul(a, c)
        }
        """;

    [Theory]
    [MemberData(nameof(Tiles))]
    public void Every_catalogue_tile_agrees_with_the_simulator(int tileIndex, Precision precision)
    {
        if (!CpuKernelLibrary.CompilerAvailable(out string reason)) { output.WriteLine("skipped: " + reason); return; }
        var tile = MmaTileSelection.Catalogue[tileIndex];
        string path = Path.Combine(Path.GetTempPath(), $"dnnc-tiles-{Guid.NewGuid():N}.dnn");
        File.WriteAllText(path, Model);
        var diagnostics = new DiagnosticBag();
        var graph = BuildPipeline.Load(path, new CompileOverrides(Precision: precision), diagnostics);
        File.Delete(path);
        var lowered = BuildPipeline.Lower(graph, diagnostics);
        var plan = MmaPlans.WithTile(lowered.Plan, tile);
        Assert.Equal(4, plan.Kernels.Count(k => k.Spec is ConvSpec { Mma: not null } or GemmSpec { Mma: not null }));
        Assert.Contains(plan.Kernels, k => k.Spec is ConvSpec { Groups: 2, InputChannelsLast: true });

        using var library = CpuKernelLibrary.Build(CudaEmitter.Emit(plan));
        var rng = new Rng(tileIndex * 7 + (int)precision);
        var inputs = graph.Inputs.ToDictionary(i => i.Name, i => rng.Tensor(i.Type.Dims));
        var simulated = PlanSimulator.Run(plan, lowered.Weights, inputs);
        var emulated = PlanEmulator.Run(plan, library, lowered.Optimized.Weights, inputs);
        Assert.Equal(0, library.TwinErrors());
        foreach (var o in graph.Outputs)
        {
            double error = Compare.RelativeL2(simulated[o.Name], emulated[o.Name]);
            output.WriteLine($"{tile} {precision} {o.Name}: twin vs simulator {error:E2}");
            // FP32 reordering in the first conv flips some TF32 (FP16) roundings of h in the second: one ulp of 2^-11 each.
            Assert.InRange(error, 0, precision == Precision.Fp16 ? 2e-3 : 1e-4);
        }
    }
}
