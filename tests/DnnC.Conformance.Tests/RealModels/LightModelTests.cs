using DnnC.Conformance.Backends;
using DnnC.Conformance.Models;

namespace DnnC.Conformance.Tests.RealModels;

/// <summary>The light models (real architectures, constant weights) against their stored outputs, on every CPU backend.</summary>
public sealed class LightModelTests
{
    public static TheoryData<string, string> NetsAndBackends()
    {
        var data = new TheoryData<string, string>();
        foreach (var net in ModelData.LightNets)
            foreach (var backend in BackendCatalog.Names)
                data.Add(net, backend);
        return data;
    }

    [Theory]
    [MemberData(nameof(NetsAndBackends))]
    public void BackendMatchesTheStoredOutput(string net, string backend)
    {
        string path = ModelData.LightModel(net);
        var output = DnnCModel.Run(File.ReadAllBytes(path), path, [ModelData.Arange(1, 3, 224, 224)], BackendCatalog.Find(backend));
        Compare.WithinOnnxTolerance(ModelData.LightExpected(net), output[0], $"light_{net} on {backend}");
    }
}
