using DnnC.Conformance.Models;

namespace DnnC.Conformance.Tests.RealModels;

/// <summary>The light models (real architectures, constant weights) against their stored outputs.</summary>
public sealed class LightModelTests
{
    [Theory]
    [MemberData(nameof(ModelData.LightNetNames), MemberType = typeof(ModelData))]
    public void ReferenceExecutorMatchesTheStoredOutput(string net)
    {
        string path = ModelData.LightModel(net);
        var output = DnnCModel.Run(File.ReadAllBytes(path), path, [ModelData.Arange(1, 3, 224, 224)]);
        Compare.WithinOnnxTolerance(ModelData.LightExpected(net), output[0], $"light_{net}");
    }
}
