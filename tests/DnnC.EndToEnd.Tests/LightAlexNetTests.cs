using DnnC.Compiler.Tensors;
using DnnC.Runtime;

namespace DnnC.EndToEnd.Tests;

/// <summary>
/// The light AlexNet (LRN after the first two convs) builds through NVRTC with zero spills, and
/// dnnc run --backend sim reproduces the ONNX project's stored output on the runner's input,
/// arange(N).reshape(shape) / N. Its constant weights make that output flat, so the LRN numerics
/// themselves are checked by the math-op emulation and simulator tests.
/// </summary>
public class LightAlexNetTests
{
    private static readonly string Model = Path.Combine(Cli.RepoRoot, "..", "shared", "onnx", "light", "light_bvlc_alexnet.onnx");
    private static readonly string Expected = Path.Combine(Cli.RepoRoot, "..", "shared", "onnx", "light", "light_bvlc_alexnet_output_0.pb");

    [Fact]
    public void Light_alexnet_builds_and_runs_on_the_simulator()
    {
        Assert.True(File.Exists(Model), $"{Model} is missing");
        string dir = Cli.TempDir();

        var build = Cli.Run("build", Model, "-o", Path.Combine(dir, "build"));
        Assert.True(build.ExitCode == 0, build.ToString());
        string kernels = File.ReadAllText(Path.Combine(dir, "build", "kernels.cu"));
        Assert.Contains("_lrn(", kernels);
        Assert.True(File.Exists(Path.Combine(dir, "build", "kernels.sm_90.cubin")));

        int n = 3 * 224 * 224;
        var input = new HostTensor([1, 3, 224, 224], Enumerable.Range(0, n).Select(i => (float)i / n).ToArray());
        string inputFile = Path.Combine(dir, "input.npy");
        TensorFiles.WriteNpy(inputFile, input);
        var run = Cli.Run("run", Model, "--input", inputFile, "--backend", "sim", "--output-dir", Path.Combine(dir, "out"));
        Assert.True(run.ExitCode == 0, run.ToString());

        var (_, expected) = TensorFiles.Read(Expected);
        var (_, actual) = TensorFiles.Read(Path.Combine(dir, "out", "output_0.pb"));
        Assert.Equal(expected.Shape, actual.Shape);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual.Data[i] - expected.Data[i]) <= 1e-7 + 1e-3 * Math.Abs(expected.Data[i]),
                $"output[{i}] is {actual.Data[i]:R}, expected {expected.Data[i]:R}");
    }
}
