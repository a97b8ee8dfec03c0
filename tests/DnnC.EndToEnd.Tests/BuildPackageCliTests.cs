using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Tensors;
using DnnC.Runtime;

namespace DnnC.EndToEnd.Tests;

/// <summary>
/// A build runs without its model, as a user runs it: <c>dnnc build MODEL -o DIR</c>, then <c>dnnc run DIR --input ...</c>
/// gives bit for bit the outputs of <c>dnnc run MODEL --input ... --backend sim</c>, for every example and light model,
/// on fresh seeded random inputs; <c>dnnc simulate DIR</c> reports as for the model; a damaged package is refused
/// with DNN3121 and writes nothing.
/// </summary>
public class BuildPackageCliTests
{
    private static readonly string Light = Path.Combine(Cli.RepoRoot, "..", "shared", "onnx", "light");

    public static TheoryData<string> Models()
    {
        var data = new TheoryData<string>();
        foreach (var name in Cli.ExampleNames()) data.Add(Cli.Example(name));
        foreach (var file in Directory.GetFiles(Light, "light_*.onnx").Order(StringComparer.Ordinal)) data.Add(file);
        return data;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Running_the_build_equals_running_the_model_on_the_simulator_bit_for_bit(string model)
    {
        string dir = Cli.TempDir();
        var build = Cli.Run("build", model, "-o", Path.Combine(dir, "build"));
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.True(File.Exists(Path.Combine(dir, "build", "plan.dnnpkg")));

        var inputs = WriteRandomInputs(model, dir, seed: model.Length);
        var fromModel = Cli.Run(["run", model, "--backend", "sim", "--output-dir", Path.Combine(dir, "model"), .. inputs]);
        Assert.True(fromModel.ExitCode == 0, fromModel.ToString());
        var fromBuild = Cli.Run(["run", Path.Combine(dir, "build"), "--backend", "sim", "--output-dir", Path.Combine(dir, "package"), .. inputs]);
        Assert.True(fromBuild.ExitCode == 0, fromBuild.ToString());

        var outputs = Directory.GetFiles(Path.Combine(dir, "model"), "output_*.pb").Select(Path.GetFileName).Order().ToList();
        Assert.NotEmpty(outputs);
        Assert.Equal(outputs, Directory.GetFiles(Path.Combine(dir, "package"), "output_*.pb").Select(Path.GetFileName).Order());
        foreach (var output in outputs)
        {
            var expected = File.ReadAllBytes(Path.Combine(dir, "model", output!));
            Assert.Equal(expected, File.ReadAllBytes(Path.Combine(dir, "package", output!)));
            Assert.DoesNotContain(TensorFiles.Read(expected, output!).Tensor.Data, float.IsNaN);
        }
    }

    [Fact]
    public void Simulating_the_build_reports_the_same_cycles_as_simulating_the_model()
    {
        string dir = Cli.TempDir();
        string model = Cli.Example("mobilenet_block");
        Assert.Equal(0, Cli.Run("build", model, "-o", Path.Combine(dir, "build")).ExitCode);
        var fromModel = Cli.Run("simulate", model, "-o", Path.Combine(dir, "sim-model"));
        var fromBuild = Cli.Run("simulate", Path.Combine(dir, "build", "plan.dnnpkg"), "-o", Path.Combine(dir, "sim-build"));
        Assert.True(fromModel.ExitCode == 0, fromModel.ToString());
        Assert.True(fromBuild.ExitCode == 0, fromBuild.ToString());
        string Report(string d) => File.ReadAllText(Path.Combine(dir, d, "report.json"));
        Assert.Equal(Report("sim-model"), Report("sim-build"));
    }

    [Fact]
    public void A_damaged_package_is_refused_with_a_diagnostic_and_no_output()
    {
        string dir = Cli.TempDir();
        string model = Cli.Example("mlp");
        Assert.Equal(0, Cli.Run("build", model, "-o", Path.Combine(dir, "build")).ExitCode);
        string package = Path.Combine(dir, "build", "plan.dnnpkg");
        var bytes = File.ReadAllBytes(package);
        bytes[bytes.Length / 3] ^= 0x04;
        File.WriteAllBytes(package, bytes);

        var run = Cli.Run("run", Path.Combine(dir, "build"), "--seed", "1", "--output-dir", Path.Combine(dir, "out"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error DNN3121", run.Stderr + run.Stdout);
        Assert.Contains("does not match its SHA-256", run.Stderr + run.Stdout);
        Assert.DoesNotContain("   at ", run.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir, "out")) && Directory.EnumerateFileSystemEntries(Path.Combine(dir, "out")).Any());
    }

    [Fact]
    public void A_build_refuses_compile_options_and_the_reference_backend()
    {
        string dir = Cli.TempDir();
        Assert.Equal(0, Cli.Run("build", Cli.Example("mlp"), "-o", Path.Combine(dir, "build")).ExitCode);
        var target = Cli.Run("run", Path.Combine(dir, "build"), "--seed", "1", "--target", "sm_80");
        Assert.Equal(1, target.ExitCode);
        Assert.Contains("DNN3122", target.Stderr + target.Stdout);
        var reference = Cli.Run("run", Path.Combine(dir, "build"), "--seed", "1", "--backend", "reference");
        Assert.NotEqual(0, reference.ExitCode);
        Assert.Contains("use --backend sim, cuda or auto", reference.Stderr + reference.Stdout);
        var missing = Cli.Run("run", dir, "--seed", "1");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("DNN3120", missing.Stderr + missing.Stdout);
    }

    /// <summary>One seeded random file per runtime input of the model (uniform in [-1, 1) for floats), as NAME=FILE flags.</summary>
    private static List<string> WriteRandomInputs(string model, string dir, int seed)
    {
        var graph = BuildPipeline.Load(model, new CompileOverrides(), new DiagnosticBag());
        var random = new Random(seed);
        var flags = new List<string>();
        foreach (var input in graph.Inputs)
        {
            var data = new float[input.Type.ElementCount];
            for (int i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
            string file = Path.Combine(dir, $"input_{flags.Count / 2}.npy");
            TensorFiles.WriteNpy(file, new HostTensor(input.Type.Dims, data));
            flags.AddRange(["--input", $"{input.Name}={file}"]);
        }
        return flags;
    }
}
