using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Reference;
using DnnC.Compiler.Tensors;
using DnnC.Runtime;

namespace DnnC.EndToEnd.Tests;

/// <summary>dnnc run follows the I/O contract: .pb or .npy in, output_&lt;i&gt;.pb out with names set.</summary>
public class RunCommandTests
{
    private static HostTensor Random(int seed, int[] shape)
    {
        var random = new Random(seed);
        var data = new float[HostTensor.ElementCount(shape)];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
        return new HostTensor(shape, data);
    }

    [Theory]
    [InlineData("mlp", ".npy")]
    [InlineData("resnet_block", ".pb")]
    [InlineData("shift_block", ".npy")]
    public void Run_reference_writes_named_outputs_matching_the_executor(string example, string format)
    {
        var graph = BuildPipeline.Load(Cli.Example(example), new CompileOverrides(), new DiagnosticBag());
        string dir = Cli.TempDir();
        var args = new List<string> { "run", Cli.Example(example), "--backend", "reference", "--output-dir", Path.Combine(dir, "out") };
        var feeds = new Dictionary<string, HostTensor>();
        foreach (var (input, i) in graph.Inputs.Select((x, i) => (x, i)))
        {
            var tensor = Random(100 + i, input.Type.Dims);
            feeds[input.Name] = tensor;
            string file = Path.Combine(dir, $"in{i}{format}");
            if (format == ".npy") TensorFiles.WriteNpy(file, tensor);
            else TensorFiles.WriteTensorProto(file, input.Name, tensor);
            args.Add("--input");
            args.Add(i == 0 ? file : $"{input.Name}={file}");
        }

        var result = Cli.Run(args.ToArray());

        Assert.True(result.ExitCode == 0, result.ToString());
        var expected = ReferenceExecutor.Run(graph, feeds);
        for (int i = 0; i < graph.Outputs.Count; i++)
        {
            var (name, tensor) = TensorFiles.Read(Path.Combine(dir, "out", $"output_{i}.pb"));
            Assert.Equal(graph.Outputs[i].Name, name);
            Assert.Equal(expected[graph.Outputs[i].Name].Data, tensor.Data);
        }
    }

    [Fact]
    public void Unreadable_input_file_is_a_diagnostic_with_exit_1()
    {
        string dir = Cli.TempDir();
        string file = Path.Combine(dir, "garbage.pb");
        File.WriteAllBytes(file, [0xff, 0xff, 0xff, 0x07, 0x01]);
        var result = Cli.Run("run", Cli.Example("mlp"), "--input", file, "--output-dir", Path.Combine(dir, "out"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("DNN310", result.Stderr);
        Assert.False(File.Exists(Path.Combine(dir, "out", "output_0.pb")));
    }

    [Fact]
    public void Input_of_the_wrong_shape_is_a_diagnostic_with_exit_1()
    {
        string dir = Cli.TempDir();
        string file = Path.Combine(dir, "x.npy");
        TensorFiles.WriteNpy(file, Random(1, [2, 2]));
        var result = Cli.Run("run", Cli.Example("mlp"), "--input", file, "--output-dir", Path.Combine(dir, "out"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("declared", result.Stderr);
    }

    [Theory]
    [InlineData("sim")]
    [InlineData("auto")]
    public void Run_sim_backend_agrees_with_the_reference_executor(string backend)
    {
        var graph = BuildPipeline.Load(Cli.Example("resnet_block"), new CompileOverrides(), new DiagnosticBag());
        string dir = Cli.TempDir();
        var x = Random(7, graph.Inputs[0].Type.Dims);
        TensorFiles.WriteNpy(Path.Combine(dir, "x.npy"), x);

        var result = Cli.Run("run", Cli.Example("resnet_block"), "--input", Path.Combine(dir, "x.npy"), "--backend", backend,
            "--output-dir", Path.Combine(dir, "out"));

        Assert.True(result.ExitCode == 0, result.ToString());
        if (backend == "auto") Assert.Contains("chose 'sim'", result.Stderr);
        var expected = ReferenceExecutor.Run(graph, new Dictionary<string, HostTensor> { [graph.Inputs[0].Name] = x });
        var (name, actual) = TensorFiles.Read(Path.Combine(dir, "out", "output_0.pb"));
        Assert.Equal(graph.Outputs[0].Name, name);
        var reference = expected[graph.Outputs[0].Name].Data;
        for (int i = 0; i < reference.Length; i++)
            Assert.True(Math.Abs(actual.Data[i] - reference[i]) <= 1e-5 + 1e-4 * Math.Abs(reference[i]), $"element {i}: {actual.Data[i]} vs {reference[i]}");
    }
}
