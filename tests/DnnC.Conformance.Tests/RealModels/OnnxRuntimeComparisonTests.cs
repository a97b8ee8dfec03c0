using DnnC.Conformance.Backends;
using DnnC.Compiler.Onnx.Proto;
using DnnC.Conformance.Models;
using DnnC.Runtime;
using Google.Protobuf;
using Xunit.Abstractions;

namespace DnnC.Conformance.Tests.RealModels;

/// <summary>
/// Each of DnnC's CPU backends against ONNX Runtime on the same model and input: the light models
/// with every weight replaced by seeded random values (compared on their logits, see
/// <see cref="FinalSoftmax"/>), and the PaddleOCR classifier as shipped.
/// </summary>
public sealed class OnnxRuntimeComparisonTests(ITestOutputHelper log)
{
    private const double MaxRelativeL2 = 1e-4;
    private const ulong WeightSeed = 0x5EED_0001;

    [Theory]
    [MemberData(nameof(LightModelTests.NetsAndBackends), MemberType = typeof(LightModelTests))]
    public void LightModelWithRandomWeightsMatchesOnnxRuntime(string net, string backend)
    {
        var model = RandomizedLightModel(net);
        var input = ModelData.Uniform(17, 0f, 1f, 1, 3, 224, 224);
        var expected = RunOnnxRuntime(model, input);
        var actual = DnnCModel.Run(model, $"light_{net} (random weights)", [input], BackendCatalog.Find(backend));
        double error = Compare.RelativeL2(expected, actual[0]);
        log.WriteLine($"light_{net} with random weights on {backend}: relative L2 error {error:E3}");
        Assert.True(error < MaxRelativeL2, $"light_{net} with random weights on {backend}: relative L2 error {error:E3} vs ONNX Runtime");
    }

    /// <summary>
    /// Guards the comparison above against being vacuous: with random weights the output must
    /// change with the input and must not be nearly constant.
    /// </summary>
    [Theory]
    [MemberData(nameof(ModelData.LightNetNames), MemberType = typeof(ModelData))]
    public void RandomWeightsGiveAnOutputThatDependsOnTheInput(string net)
    {
        var model = RandomizedLightModel(net);
        var first = RunOnnxRuntime(model, ModelData.Uniform(17, 0f, 1f, 1, 3, 224, 224));
        var second = RunOnnxRuntime(model, ModelData.Uniform(18, 0f, 1f, 1, 3, 224, 224));
        double scale = first.Values.Max(Math.Abs);
        double spread = first.Values.Max() - first.Values.Min();
        Assert.True(scale > 1e-3 && spread > 0.1 * scale, $"light_{net}: output is nearly constant (max |x| {scale:E3}, spread {spread:E3})");
        double change = first.Values.Zip(second.Values, (a, b) => Math.Abs(a - b)).Max();
        log.WriteLine($"light_{net} logits: max |x| {scale:E3}, spread {spread:E3}, max change between inputs {change:E3}");
        Assert.True(change > 1e-2 * scale, $"light_{net}: output hardly depends on the input (max change {change:E3} of {scale:E3})");
    }

    public static TheoryData<string> Backends() => new(BackendCatalog.Names);

    [Theory]
    [MemberData(nameof(Backends))]
    public void PpocrClassifierMatchesOnnxRuntime(string backend)
    {
        var model = File.ReadAllBytes(ModelData.Ppocr);
        var input = ModelData.Uniform(23, -1f, 1f, 1, 3, 48, 192);
        var expected = RunOnnxRuntime(model, input);
        var actual = DnnCModel.Run(model, ModelData.Ppocr, [input], BackendCatalog.Find(backend));
        double error = Compare.RelativeL2(expected, actual[0]);
        log.WriteLine($"ppocr_mobile_v2_cls on {backend}: relative L2 error {error:E3}");
        Assert.True(error < MaxRelativeL2, $"ppocr_mobile_v2_cls on {backend}: relative L2 error {error:E3} vs ONNX Runtime");
    }

    private static byte[] RandomizedLightModel(string net)
    {
        var original = ModelProto.Parser.ParseFrom(File.ReadAllBytes(ModelData.LightModel(net)));
        return FinalSoftmax.Remove(WeightRandomizer.Randomize(original, WeightSeed)).ToByteArray();
    }

    private static Suite.TensorValues RunOnnxRuntime(byte[] model, HostTensor input)
    {
        Assert.True(OnnxRuntime.Unavailable() is null, OnnxRuntime.Unavailable());
        return OnnxRuntime.Run(model, [input])[0];
    }
}
