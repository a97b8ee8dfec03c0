namespace DnnC.Conformance.Suite;

/// <summary>
/// One case of the ONNX node suite: its model and the serialized TensorProtos of
/// test_data_set_0, inputs and expected outputs in index order.
/// </summary>
public sealed record NodeTestCase(string Name, byte[] Model, IReadOnlyList<byte[]> Inputs, IReadOnlyList<byte[]> Outputs)
{
    /// <summary>Where the case lives inside the archive, for messages.</summary>
    public string DisplayPath => $"node/{Name}/model.onnx";
}
