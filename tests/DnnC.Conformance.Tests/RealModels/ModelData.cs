using DnnC.Compiler.Syntax.Weights;
using DnnC.Conformance.Reporting;
using DnnC.Conformance.Suite;
using DnnC.Runtime;

namespace DnnC.Conformance.Tests.RealModels;

/// <summary>The real models in ../shared and the inputs the tests feed them.</summary>
public static class ModelData
{
    public static readonly string[] LightNets = ["bvlc_alexnet", "resnet50", "squeezenet", "vgg19"];

    public static TheoryData<string> LightNetNames() => new(LightNets);

    public static string LightModel(string net) => Existing(Path.Combine(RepoPaths.Shared, "onnx", "light", $"light_{net}.onnx"));

    public static TensorValues LightExpected(string net) =>
        TensorValues.Decode(File.ReadAllBytes(Existing(Path.Combine(RepoPaths.Shared, "onnx", "light", $"light_{net}_output_0.pb"))));

    public static string Ppocr => Existing(Path.Combine(RepoPaths.Shared, "models", "ppocr_mobile_v2_cls.onnx"));

    /// <summary>The ONNX runner's input for the light models: arange(N).reshape(shape) / N.</summary>
    public static HostTensor Arange(params int[] shape)
    {
        int n = checked((int)HostTensor.ElementCount(shape));
        var data = new float[n];
        for (int i = 0; i < n; i++) data[i] = (float)i / n;
        return new HostTensor(shape, data);
    }

    /// <summary>Seeded uniform values in [low, high), fixed by SplitMix64 on every machine.</summary>
    public static HostTensor Uniform(ulong seed, float low, float high, params int[] shape)
    {
        var random = new SplitMix64(seed);
        var data = new float[HostTensor.ElementCount(shape)];
        for (int i = 0; i < data.Length; i++) data[i] = random.NextUniform(low, high);
        return new HostTensor(shape, data);
    }

    private static string Existing(string path)
    {
        Assert.True(File.Exists(path), $"test data is missing: {path} (../shared beside the repository)");
        return path;
    }
}
