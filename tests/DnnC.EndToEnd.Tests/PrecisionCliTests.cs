using DnnC.Compiler.Tensors;

namespace DnnC.EndToEnd.Tests;

/// <summary>
/// <c>--precision fp16|tf32</c> through <c>dnnc run --backend sim</c>, as a user runs it, on every example (random
/// weights; the light models' constant weights give flat outputs that no rounding changes) with fresh seeded inputs:
/// FP16 plans within 1e-2 relative L2 of the FP32 reference (DESIGN numerics), TF32 plans within 1e-3, and both really
/// different from the FP32 plan's outputs.
/// </summary>
public class PrecisionCliTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var model in Cli.ExampleNames().Select(Cli.Example))
            foreach (var precision in new[] { "fp16", "tf32" })
                data.Add(model, precision);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_reduced_precision_plan_stays_within_its_tolerance_of_the_fp32_reference(string model, string precision)
    {
        string dir = Cli.TempDir();
        string[] seed = ["--seed", (model.Length * 7).ToString(System.Globalization.CultureInfo.InvariantCulture)];
        var reference = Cli.Run(["run", model, "--backend", "reference", "--output-dir", Path.Combine(dir, "reference"), .. seed]);
        Assert.True(reference.ExitCode == 0, reference.ToString());
        var fp32 = Cli.Run(["run", model, "--backend", "sim", "--precision", "fp32", "--output-dir", Path.Combine(dir, "fp32"), .. seed]);
        Assert.True(fp32.ExitCode == 0, fp32.ToString());
        var reduced = Cli.Run(["run", model, "--backend", "sim", "--precision", precision, "--output-dir", Path.Combine(dir, precision), .. seed]);
        Assert.True(reduced.ExitCode == 0, reduced.ToString());

        string tolerance = precision == "fp16" ? "1e-2" : "1e-3";
        var compare = Cli.Run("compare", Path.Combine(dir, precision), Path.Combine(dir, "reference"), "--max-rel-l2", tolerance);
        Assert.True(compare.ExitCode == 0, compare.ToString());
        var outputs = Directory.GetFiles(Path.Combine(dir, "fp32"), "output_*.pb").Select(Path.GetFileName).ToList();
        Assert.Contains(outputs, o => !File.ReadAllBytes(Path.Combine(dir, "fp32", o!)).SequenceEqual(File.ReadAllBytes(Path.Combine(dir, precision, o!))));
        foreach (var o in outputs) Assert.DoesNotContain(TensorFiles.Read(Path.Combine(dir, precision, o!)).Tensor.Data, float.IsNaN);
    }

    [Fact]
    public void Calibration_files_keep_a_layer_whose_values_would_overflow_fp16_in_fp32_and_the_report_says_why()
    {
        string dir = Cli.TempDir();
        string model = Path.Combine(dir, "net.dnn");
        File.WriteAllText(model, """
            model Net(x: f32[1, 8, 12, 12]) -> (y) {
              weights seed 3
              a = x |> conv2d(16, kernel: 3, pad: 1) |> relu
              y = a |> global_avgpool |> flatten |> dense(10)
            }
            """);
        // Values up to 4·10^4: FP16 holds them, but not with the pass's 2x headroom.
        var random = new Random(12);
        var big = new DnnC.Runtime.HostTensor([1, 8, 12, 12], Enumerable.Range(0, 8 * 144).Select(_ => (float)(random.NextDouble() * 8e4 - 4e4)).ToArray());
        string calibration = Path.Combine(dir, "big.npy");
        TensorFiles.WriteNpy(calibration, big);

        var build = Cli.Run("build", model, "--precision", "fp16", "--calibrate", calibration, "-o", Path.Combine(dir, "o"));
        Assert.True(build.ExitCode == 0, build.ToString());
        var report = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "o", "build-report.json")))!;
        var conv = report["layers"]!.AsArray().Single(l => (string)l!["pass"]! == "assign-precision" && ((string)l["layer"]!).StartsWith("a", StringComparison.Ordinal))!;
        Assert.Equal("fp32", (string)conv["decision"]!);
        Assert.Contains("calibration inputs", (string)conv["reason"]!);
        Assert.Contains(report["passes"]!.AsArray(), p => ((string)p!["summary"]!).Contains("1 input set(s) from --calibrate"));

        // check takes the same pass options: the calibration reaches the pass there too.
        var check = Cli.Run("check", model, "--precision", "fp16", "--calibrate", calibration);
        Assert.True(check.ExitCode == 0, check.ToString());

        var wrongShape = Path.Combine(dir, "small.npy");
        TensorFiles.WriteNpy(wrongShape, new DnnC.Runtime.HostTensor([1, 8, 6, 6], new float[8 * 36]));
        var refused = Cli.Run("build", model, "--precision", "fp16", "--calibrate", wrongShape, "-o", Path.Combine(dir, "o2"));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("DNN3103", refused.Stderr + refused.Stdout);
        Assert.DoesNotContain("   at ", refused.Stderr);
        var refusedByCheck = Cli.Run("check", model, "--precision", "fp16", "--calibrate", wrongShape);
        Assert.Equal(1, refusedByCheck.ExitCode);
        Assert.Contains("DNN3103", refusedByCheck.Stderr + refusedByCheck.Stdout);
    }

    [Fact]
    public void An_fp16_build_has_tensor_core_kernels_and_its_package_runs_as_the_model_does()
    {
        string dir = Cli.TempDir();
        var build = Cli.Run("build", Cli.Example("cifar_resnet"), "--precision", "fp16", "-o", Path.Combine(dir, "o"));
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.DoesNotContain("DNN5011", build.Stderr + build.Stdout);
        Assert.Contains("tensor-core-tile:", build.Stdout);
        Assert.Contains("channels-last:", build.Stdout);
        string cuda = File.ReadAllText(Path.Combine(dir, "o", "kernels.cu"));
        Assert.Contains("FP16 tensor-core conv", cuda);
        Assert.Contains("dnnc_mma_m16n8k16(", cuda);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(dir, "o"), "*.cubin").Length);

        // No GPU here: the package runs on the simulator, exactly as the model does.
        var fromBuild = Cli.Run("run", Path.Combine(dir, "o"), "--seed", "3", "--output-dir", Path.Combine(dir, "b"));
        Assert.True(fromBuild.ExitCode == 0, fromBuild.ToString());
        var fromModel = Cli.Run("run", Cli.Example("cifar_resnet"), "--precision", "fp16", "--backend", "sim", "--seed", "3", "--output-dir", Path.Combine(dir, "m"));
        Assert.True(fromModel.ExitCode == 0, fromModel.ToString());
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "m", "output_0.pb")), File.ReadAllBytes(Path.Combine(dir, "b", "output_0.pb")));
    }
}
