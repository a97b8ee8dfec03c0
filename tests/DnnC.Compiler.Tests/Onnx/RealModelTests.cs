using System.Diagnostics;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Onnx;
using DnnC.Compiler.Reference;
using DnnC.Compiler.Tensors;
using DnnC.Compiler.Tests.TestSupport;
using DnnC.Runtime;
using Xunit.Abstractions;

namespace DnnC.Compiler.Tests.Onnx;

/// <summary>
/// The light ONNX models (real architectures whose weights are ConstantOfShape nodes) and the
/// PaddleOCR classifier import, and the reference executor reproduces the stored outputs.
/// </summary>
public class RealModelTests(ITestOutputHelper output)
{
    private static string Shared => Path.GetFullPath(Path.Combine(RepoFiles.Root, "..", "shared"));

    public static TheoryData<string> LightModels() => new() { "bvlc_alexnet", "resnet50", "squeezenet", "vgg19" };

    [Theory]
    [MemberData(nameof(LightModels))]
    public void LightModelMatchesStoredOutput(string name)
    {
        string dir = Path.Combine(Shared, "onnx", "light");
        var clock = Stopwatch.StartNew();
        var graph = Import(Path.Combine(dir, $"light_{name}.onnx"), new Dictionary<string, int[]>());
        double importSeconds = clock.Elapsed.TotalSeconds;
        Assert.Empty(GraphVerifier.Verify(graph));

        var input = graph.Inputs.Single();
        var outputs = ReferenceExecutor.Run(graph, new Dictionary<string, HostTensor> { [input.Name] = Arange(input.Type.Dims) });
        output.WriteLine($"{name}: import {importSeconds:F2} s, total {clock.Elapsed.TotalSeconds:F1} s, {graph.Nodes.Count} nodes");

        var (_, expected) = TensorFiles.Read(Path.Combine(dir, $"light_{name}_output_0.pb"));
        var actual = outputs[graph.Outputs[0].Name];
        Assert.Equal(expected.Shape, actual.Shape);
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(expected.Data[i] - actual.Data[i]);
            Assert.True(diff <= 1e-7 + 1e-3 * Math.Abs(expected.Data[i]),
                $"{name} element {i}: {actual.Data[i]:R}, expected {expected.Data[i]:R}");
        }
    }

    [Fact]
    public void PaddleOcrClassifierImportsAndRuns()
    {
        var shapes = new Dictionary<string, int[]> { ["x"] = [1, 3, 48, 192] };
        var graph = Import(Path.Combine(Shared, "models", "ppocr_mobile_v2_cls.onnx"), shapes);
        Assert.Empty(GraphVerifier.Verify(graph));
        Assert.Equal([1, 3, 48, 192], graph.Inputs.Single().Type.Dims);

        var outputs = ReferenceExecutor.Run(graph, new Dictionary<string, HostTensor> { ["x"] = new Rng(7).Tensor(1, 3, 48, 192) });
        var probabilities = outputs[graph.Outputs[0].Name];
        Assert.Equal([1, 2], probabilities.Shape);
        // A softmax over two classes: positive and summing to one.
        Assert.All(probabilities.Data, p => Assert.InRange(p, 0f, 1f));
        Assert.Equal(1.0, probabilities.Data.Sum(p => (double)p), 5);
    }

    [Fact]
    public void PaddleOcrDynamicDimensionsNeedInputShapes()
    {
        var diagnostics = new DiagnosticBag();
        var graph = OnnxImporter.Load(Path.Combine(Shared, "models", "ppocr_mobile_v2_cls.onnx"), new Dictionary<string, int[]>(), diagnostics);
        Assert.Null(graph);
        var unset = diagnostics.Items.Where(d => d.Code == "DNN6010").ToList();
        Assert.NotEmpty(unset);
        Assert.All(unset, d => Assert.Contains("'x'", d.Message));
    }

    private static Graph Import(string path, IReadOnlyDictionary<string, int[]> shapes)
    {
        var diagnostics = new DiagnosticBag();
        var graph = OnnxImporter.Load(path, shapes, diagnostics);
        Assert.True(graph is not null, string.Join("\n", diagnostics.Items.Select(d => $"{d.Code}: {d.Message}")));
        return graph!;
    }

    /// <summary>The ONNX runner's input: arange(N).reshape(shape) / N in float32.</summary>
    private static HostTensor Arange(int[] shape)
    {
        int n = (int)HostTensor.ElementCount(shape);
        var data = new float[n];
        for (int i = 0; i < n; i++) data[i] = (float)i / n;
        return new HostTensor(shape, data);
    }
}
