using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Runtime;
using DnnC.Runtime.Package;
using DnnC.Runtime.Plan;
using DnnC.Simulator;

namespace DnnC.EndToEnd.Tests;

/// <summary>
/// A build lowers once per target where the plan depends on it: tiles are sized to each GPU's SM count, each cubin is
/// compiled from its own target's plan, and the package keeps the plans apart; targets with equal plans share one.
/// </summary>
public class TargetPlanTests
{
    // A 1×1 conv over 60×64 positions with 256 filters: the 128×64 tile gives 30 × 4 = 120 blocks, one wave on an
    // A100 (108 SMs, sm_80) but too few for an H100 (132 SMs, sm_90), which gets 64×64 tiles (240 blocks).
    private const string Model = """
        model Wide(x: f32[1, 64, 60, 64]) -> (y) {
          weights seed 3
          y = x |> conv2d(256, kernel: 1) |> relu
        }
        """;

    [Fact]
    public void An_a100_and_an_h100_get_tiles_for_their_own_sm_counts_and_their_cubins_are_compiled_from_them()
    {
        string dir = Cli.TempDir();
        string model = Path.Combine(dir, "wide.dnn");
        File.WriteAllText(model, Model);
        var diagnostics = new DiagnosticBag();
        var result = BuildPipeline.Build(model, new CompileOverrides(Targets: new[] { "sm_80", "sm_90" }), diagnostics);

        Assert.Equal(["sm_80", "sm_90"], result.Targets.Select(t => t.Arch));
        var a100 = (ConvSpec)result.Targets[0].Plan.Kernels[0].Spec;
        var h100 = (ConvSpec)result.Targets[1].Plan.Kernels[0].Spec;
        Assert.Equal("128x64x8", a100.Tile.ToString());
        Assert.Equal("64x64x8", h100.Tile.ToString());
        Assert.Same(result.Targets[0].Plan, result.Plan);
        Assert.Equal(result.Targets[0].Plan.Values, result.Targets[1].Plan.Values);
        Assert.All(result.Binaries, b => Assert.Same(result.Targets.Single(t => t.Arch == b.Arch).Plan, b.Plan));

        BuildPipeline.WriteOutputs(result, Path.Combine(dir, "out"));
        Assert.Contains("128", File.ReadAllText(Path.Combine(dir, "out", "kernels.cu")));
        Assert.Equal(result.Targets[1].CudaSource, File.ReadAllText(Path.Combine(dir, "out", "kernels.sm_90.cu")));
        var package = PackageFile.Read(Path.Combine(dir, "out", BuildPackage.FileName));
        Assert.Equal(result.Targets[0].Plan, package.PlanFor("sm_80"));
        Assert.Equal(result.Targets[1].Plan, package.PlanFor("sm_90"));

        // Different tiles, the same function: both plans agree on the simulator.
        var x = new HostTensor([1, 64, 60, 64], Enumerable.Range(0, 64 * 60 * 64).Select(i => (float)Math.Sin(i * 0.37)).ToArray());
        var inputs = new Dictionary<string, HostTensor> { ["x"] = x };
        var first = PlanSimulator.Run(package.PlanFor("sm_80"), package.Weights, inputs)["y"].Data;
        var second = PlanSimulator.Run(package.PlanFor("sm_90"), package.Weights, inputs)["y"].Data;
        Assert.Equal(first, second);
    }

    [Fact]
    public void Targets_with_equal_plans_share_one_plan_and_one_source()
    {
        var diagnostics = new DiagnosticBag();
        var result = BuildPipeline.Build(Cli.Example("mlp"), new CompileOverrides(Targets: new[] { "sm_90", "sm_86" }), diagnostics);
        // The mlp's few blocks get the smallest tile on every GPU: one plan, one source, two cubins.
        Assert.Equal(["sm_90", "sm_86"], result.Targets.Select(t => t.Arch));
        Assert.Same(result.Targets[0].Plan, result.Targets[1].Plan);
        Assert.Same(result.Targets[0].CudaSource, result.Targets[1].CudaSource);
    }
}
