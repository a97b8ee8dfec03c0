using DnnC.Cli;
using DnnC.Compiler.Tensors;
using DnnC.Conformance.Suite;
using DnnC.Runtime;
using DataType = DnnC.Compiler.Onnx.Proto.TensorProto.Types.DataType;

namespace DnnC.Conformance.Models;

/// <summary>
/// ONNX Runtime (CPU, NuGet Microsoft.ML.OnnxRuntime, in this process through <see cref="OnnxRuntimeEngine"/>): the
/// independent engine DnnC is compared with on real models.
/// </summary>
public static class OnnxRuntime
{
    /// <summary>Null when it can run (its native library loads); otherwise why not.</summary>
    public static string? Unavailable() => OnnxRuntimeEngine.Unavailable();

    /// <summary>Runs <paramref name="model"/> on float32 inputs in the model's input order; outputs in the model's output order.</summary>
    public static IReadOnlyList<TensorValues> Run(byte[] model, IReadOnlyList<HostTensor> inputs)
    {
        var typed = inputs.Select(input => ("", TypedTensor.FromFloats(input.Shape, input.Data))).ToArray();
        return OnnxRuntimeEngine.Run(model, typed)
            .Select(o => new TensorValues(o.Name, TensorValues.TypeName((DataType)(int)o.Tensor.Type), o.Tensor.Shape, o.Tensor.Values))
            .ToArray();
    }
}
