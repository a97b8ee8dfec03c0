using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Syntax;
using DnnC.Compiler.Syntax.Weights;
using DnnC.Compiler.Text;

namespace DnnC.Compiler.Tests.Syntax;

public sealed class WeightsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dnnc-weights-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static float[] RandomValues(int count, int seed)
    {
        var rng = new SplitMix64((ulong)seed);
        return Enumerable.Range(0, count).Select(_ => rng.NextUniform(-2, 2)).ToArray();
    }

    [Fact]
    public void SplitMix64MatchesTheReferenceSequence()
    {
        // First outputs for seed 0 from the reference C implementation (Vigna, splitmix64.c).
        var rng = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, rng.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, rng.NextUInt64());
        Assert.Equal(0x06C45D188009454FUL, rng.NextUInt64());
    }

    [Fact]
    public void SeededInitIsDeterministicAndSeedDependent()
    {
        string text = Dsl.Model("weights seed 7\n  y = x |> conv2d(8, kernel: 3) |> batchnorm");
        var a = Dsl.LoadOk(text);
        var b = Dsl.LoadOk(text);
        var c = Dsl.LoadOk(text.Replace("seed 7", "seed 8"));
        foreach (var key in a.Weights.Items.Keys)
        {
            Assert.Equal(a.Weights[key].Data, b.Weights[key].Data);
            Assert.NotEqual(a.Weights[key].Data, c.Weights[key].Data);
        }
    }

    [Fact]
    public void SeededWeightsDoNotDependOnOtherLayers()
    {
        var alone = Dsl.LoadOk(Dsl.Model("y = x |> conv2d(8, kernel: 3)"));
        var withMore = Dsl.LoadOk(Dsl.Model("a = x |> conv2d(4, kernel: 1)\n  y = x |> conv2d(8, kernel: 3)"));
        Assert.Equal(alone.Weights["y.conv2d.weight"].Data, withMore.Weights["y.conv2d.weight"].Data);
    }

    [Fact]
    public void SeededValuesFollowTheDocumentedRanges()
    {
        var graph = Dsl.LoadOk(Dsl.Model("y = x |> conv2d(16, kernel: 3) |> batchnorm |> flatten |> dense(10)"));
        float convBound = 1 / MathF.Sqrt(8 * 3 * 3), denseBound = 1 / MathF.Sqrt(16 * 14 * 14);
        AssertRange(graph, "y.conv2d.weight", -convBound, convBound);
        AssertRange(graph, "y.conv2d.bias", -0.1f, 0.1f);
        AssertRange(graph, "y.dense.weight", -denseBound, denseBound);
        AssertRange(graph, "y.batchnorm.weight", 0.5f, 1.5f);
        AssertRange(graph, "y.batchnorm.bias", -0.1f, 0.1f);
        AssertRange(graph, "y.batchnorm.running_mean", -0.1f, 0.1f);
        AssertRange(graph, "y.batchnorm.running_var", 0.5f, 1.5f);
    }

    private static void AssertRange(Graph graph, string key, float low, float high)
    {
        var data = graph.Weights[key].Data;
        Assert.All(data, v => Assert.InRange(v, low, high));
        // Values are spread over the range, not constant or clustered at one end.
        Assert.True(data.Max() - data.Min() > (high - low) / 2, $"{key} spans only [{data.Min()}, {data.Max()}]");
    }

    [Fact]
    public void DefaultSeedIsUsedWithoutAWeightsClause()
    {
        var implicitSeed = Dsl.LoadOk(Dsl.Model("y = x |> conv2d(8, kernel: 1)"));
        var explicitSeed = Dsl.LoadOk(Dsl.Model($"weights seed {SeededWeights.DefaultSeed}\n  y = x |> conv2d(8, kernel: 1)"));
        Assert.Equal(implicitSeed.Weights["y.conv2d.weight"].Data, explicitSeed.Weights["y.conv2d.weight"].Data);
    }

    [Fact]
    public void SafetensorsRoundTripsF32AndF16()
    {
        float[] f32 = RandomValues(24, 1), f16 = RandomValues(6, 2);
        byte[] bytes = SafetensorsWriter.Write([
            SafetensorsWriter.F32("a", [2, 3, 4], f32),
            SafetensorsWriter.F16("b", [6], f16),
            new SafetensorsWriter.Tensor("c", "BF16", [1], [0, 0]),
        ]);
        var (file, error) = SafetensorsFile.Parse(bytes);
        Assert.Null(error);
        var a = file!.Read(file.Entries["a"])!;
        Assert.Equal([2, 3, 4], a.Shape);
        Assert.Equal(f32, a.Data);
        var b = file.Read(file.Entries["b"])!;
        Assert.Equal(f16.Select(v => (float)(Half)v), b.Data);
        Assert.Null(file.Read(file.Entries["c"]));
        Assert.Equal("BF16", file.Entries["c"].DType);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, "shorter than")]
    [InlineData(new byte[] { 2, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'x' }, "not valid JSON")]
    [InlineData(new byte[] { 2, 0, 0, 0, 0, 0, 0, 0, (byte)'[', (byte)']' }, "not a JSON object")]
    public void MalformedFilesAreRejectedWithAReason(byte[] bytes, string reason)
    {
        var (file, error) = SafetensorsFile.Parse(bytes);
        Assert.Null(file);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void OffsetsThatDoNotMatchTheShapeAreRejected()
    {
        var t = SafetensorsWriter.F32("a", [2, 3], RandomValues(6, 3));
        byte[] bytes = SafetensorsWriter.Write([t with { Shape = [2, 4] }]);
        var (_, error) = SafetensorsFile.Parse(bytes);
        Assert.Contains("needs 32", error);
    }

    [Fact]
    public void ModelLoadsItsWeightsFromASafetensorsFileNextToIt()
    {
        float[] w = RandomValues(4 * 8, 4), b = RandomValues(4, 5), bias = RandomValues(4, 6);
        File.WriteAllBytes(Path.Combine(_dir, "m.safetensors"), SafetensorsWriter.Write([
            SafetensorsWriter.F32("y.conv2d.weight", [4, 8, 1, 1], w),
            SafetensorsWriter.F32("y.conv2d.bias", [4], b),
            SafetensorsWriter.F16("y.bias.bias", [4], bias),
        ]));
        string path = Path.Combine(_dir, "m.dnn");
        var graph = Dsl.LoadOk(Dsl.Model("weights \"m.safetensors\"\n  y = x |> conv2d(4, kernel: 1) |> bias"), path);

        Assert.Equal(w, graph.Weights["y.conv2d.weight"].Data);
        Assert.Equal([4, 8, 1, 1], graph.Weights["y.conv2d.weight"].Shape);
        Assert.Equal(b, graph.Weights["y.conv2d.bias"].Data);
        Assert.Equal(bias.Select(v => (float)(Half)v), graph.Weights["y.bias.bias"].Data);
        Assert.Equal([4, 1, 1], graph.Weights["y.bias.bias"].Shape);
        Assert.Empty(GraphVerifier.Verify(graph));
    }

    [Fact]
    public void UnusedTensorsInTheFileAreAWarningNotAnError()
    {
        File.WriteAllBytes(Path.Combine(_dir, "m.safetensors"), SafetensorsWriter.Write([
            SafetensorsWriter.F32("y.dense.weight", [2, 16], RandomValues(32, 7)),
            SafetensorsWriter.F32("y.dense.bias", [2], RandomValues(2, 8)),
            SafetensorsWriter.F32("head.weight", [2], RandomValues(2, 9)),
        ]));
        var bag = new DiagnosticBag();
        var graph = DslFrontend.Load(new SourceText(Path.Combine(_dir, "m.dnn"),
            Dsl.Model("weights \"m.safetensors\"\n  y = x |> dense(2)")), bag);
        Assert.NotNull(graph);
        var warning = Assert.Single(bag.Items);
        Assert.Equal(("DNN3006", Severity.Warning), (warning.Code, warning.Severity));
        Assert.Contains("head.weight", warning.Message);
    }
}
