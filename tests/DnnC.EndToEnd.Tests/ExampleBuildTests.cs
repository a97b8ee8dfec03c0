using DnnC.Runtime.Plan;
using System.Text.Json.Nodes;
using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;

namespace DnnC.EndToEnd.Tests;

/// <summary>Every example builds through NVRTC for sm_80 and sm_90, with zero spills.</summary>
public class ExampleBuildTests
{
    public static TheoryData<string> Examples() => new(Cli.ExampleNames());

    public static TheoryData<string, string> ExamplesAtEveryPrecision()
    {
        var data = new TheoryData<string, string>();
        foreach (string name in Cli.ExampleNames())
            foreach (string precision in new[] { "asked", "fp16", "tf32" })
                data.Add(name, precision);
        return data;
    }

    /// <summary>At the precision its compile section asks for, and with --precision fp16 and tf32 (tensor-core kernels).</summary>
    [Theory]
    [MemberData(nameof(ExamplesAtEveryPrecision))]
    public void Example_builds_for_sm80_and_sm90_without_spills(string name, string precision)
    {
        var diagnostics = new DiagnosticBag();
        var overrides = precision switch
        {
            "fp16" => new CompileOverrides(Precision: Precision.Fp16),
            "tf32" => new CompileOverrides(Precision: Precision.Tf32),
            _ => new CompileOverrides(),
        };
        var result = BuildPipeline.Build(Cli.Example(name), overrides, diagnostics);

        Assert.Equal(["sm_80", "sm_90"], result.Binaries.Select(b => b.Arch).Order());
        if (precision != "asked") Assert.Contains(result.Plan.Kernels, k => k.Spec is ConvSpec { Mma: not null } or GemmSpec { Mma: not null });
        foreach (var binary in result.Binaries)
        {
            Assert.NotEmpty(binary.Cubin);
            foreach (var kernel in binary.Plan.Kernels)
            {
                var info = Assert.Single(binary.Kernels, k => k.Kernel == kernel.Function);
                Assert.Equal(0, info.SpillStoreBytes + info.SpillLoadBytes);
                Assert.InRange(info.Registers, 1, 255);
            }
        }
        Assert.DoesNotContain(diagnostics.Items, d => d.Code is "DNN5003" or "DNN5011");
    }

    [Fact]
    public void ResNet_block_lowers_to_exactly_two_kernels()
    {
        var diagnostics = new DiagnosticBag();
        var graph = BuildPipeline.Load(Cli.Example("resnet_block"), new CompileOverrides(), diagnostics);
        var (optimized, _) = BuildPipeline.Optimize(graph);
        var plan = DnnC.Compiler.Lowering.PlanLowering.Lower(optimized, DnnC.Runtime.Targets.GpuTarget.H100, diagnostics);

        Assert.Equal(2, plan.Kernels.Count);
        var first = (DnnC.Runtime.Plan.ConvSpec)plan.Kernels[0].Spec;
        var second = (DnnC.Runtime.Plan.ConvSpec)plan.Kernels[1].Spec;
        Assert.Equal("[relu]", Epilogue.Format(first.Epilogue));
        Assert.Equal("[add(_, in0), relu]", Epilogue.Format(second.Epilogue));
        // conv+bn+relu, then conv+bn+add+relu (the DSL names a statement's last layer after the statement).
        Assert.Equal(["a.conv2d", "a.batchnorm", "a"], plan.Kernels[0].Layers);
        Assert.Equal(["b.conv2d", "b", "y.add", "y"], plan.Kernels[1].Layers);
        Assert.IsType<BatchNormOp>(graph.Nodes.Single(n => n.Name == "b").Op);
    }

    [Fact]
    public void Build_command_writes_kernels_cubins_and_report()
    {
        string dir = Path.Combine(Cli.TempDir(), "resnet_block");
        var result = Cli.Run("build", Cli.Example("resnet_block"), "-o", dir);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(Path.Combine(dir, "kernels.cu")));
        Assert.True(new FileInfo(Path.Combine(dir, "kernels.sm_80.cubin")).Length > 0);
        Assert.True(new FileInfo(Path.Combine(dir, "kernels.sm_90.cubin")).Length > 0);
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "build-report.json")))!;
        var kernels = report["kernels"]!.AsArray();
        Assert.Equal(2, kernels.Count);
        foreach (var kernel in kernels)
        {
            Assert.NotEmpty(kernel!["layers"]!.AsArray());
            Assert.Equal(3, kernel["grid"]!.AsArray().Count);
            foreach (string arch in new[] { "sm_80", "sm_90" })
            {
                var ptxas = kernel["ptxas"]![arch]!;
                Assert.True(ptxas["registers"]!.GetValue<int>() > 0);
                Assert.Equal(0, ptxas["spillStoreBytes"]!.GetValue<int>());
            }
        }
        Assert.True(report["memory"]!["activationArenaBytes"]!.GetValue<long>() > 0);
    }

    [Fact]
    public void Print_ir_after_all_prints_every_pass()
    {
        var result = Cli.Run("build", Cli.Example("resnet_block"), "-o", Path.Combine(Cli.TempDir(), "o"), "--print-ir-after-all");
        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var pass in DnnC.Compiler.Passes.DefaultPipeline.Create())
            Assert.Contains($"IR after {pass.Name}", result.Stdout);
    }

    [Fact]
    public void Build_prints_each_pass_s_layer_decisions_and_the_layers_it_kept_with_why()
    {
        var result = Cli.Run("build", Cli.Example("resnet_block"), "-o", Path.Combine(Cli.TempDir(), "o"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("layer decisions:\n  fold-batchnorm: 2 folded\n  fuse-epilogues: 3 fused\n", result.Stdout);

        // A batchnorm whose conv output has another user stays, and the console says so.
        string dir = Cli.TempDir();
        string model = Path.Combine(dir, "kept.dnn");
        File.WriteAllText(model, """
            model Kept(x: f32[1, 8, 6, 6]) -> (y, z) {
              weights seed 1
              c = x |> conv2d(8, kernel: 3, pad: 1)
              y = c |> batchnorm
              z = c |> relu
            }
            """);
        var kept = Cli.Run("build", model, "-o", Path.Combine(dir, "o"));
        Assert.True(kept.ExitCode == 0, kept.ToString());
        Assert.Matches(@"\n  fold-batchnorm: 1 kept\n(.|\n)*\n    kept y \(fold-batchnorm\): ", kept.Stdout);
    }

    [Fact]
    public void Time_steps_prints_each_build_step_and_pass_with_a_total()
    {
        var result = Cli.Run("build", Cli.Example("resnet_block"), "-o", Path.Combine(Cli.TempDir(), "o"), "--time-steps");
        Assert.True(result.ExitCode == 0, result.ToString());
        string[] steps = ["load model", "lower to a kernel plan", "emit CUDA", "compile (NVRTC or cache)", "write outputs", "total"];
        foreach (var step in steps.Concat(DnnC.Compiler.Passes.DefaultPipeline.Create().Select(p => $"pass {p.Name}")))
            Assert.Matches($@"\n  {System.Text.RegularExpressions.Regex.Escape(step)}.* +\d+\.\d ms", result.Stderr);
        Assert.DoesNotContain("load model", result.Stdout);   // stdout stays the build summary
    }
}
