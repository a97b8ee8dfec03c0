using DnnC.Compiler.Onnx.Proto;
using DnnC.Compiler.Tensors;
using DnnC.Runtime.Numerics;
using DataType = DnnC.Compiler.Onnx.Proto.TensorProto.Types.DataType;

namespace DnnC.Conformance.Suite;

/// <summary>
/// A TensorProto's values widened to double, whatever its element type, plus that type's name.
/// Decoded by <see cref="TensorFiles.ReadTyped(byte[], string)"/>, the reader <c>dnnc run</c> uses, so the
/// suite's expected tensors and a user's input files mean the same thing.
/// </summary>
public sealed record TensorValues(string Name, string DType, int[] Shape, double[] Values)
{
    /// <summary>Decodes every numeric type and BOOL; STRING and complex types throw <see cref="NotSupportedException"/>.</summary>
    public static TensorValues Decode(byte[] bytes)
    {
        var type = (ElementType)TensorProto.Parser.ParseFrom(bytes).DataType;
        if (!ElementTypes.IsNumeric(type)) throw new NotSupportedException($"element type {ElementTypes.Name(type)}");
        try
        {
            var (name, tensor) = TensorFiles.ReadTyped(bytes, "tensor.pb");
            return new TensorValues(name ?? "", ElementTypes.Name(type), tensor.Shape, tensor.Values);
        }
        catch (TensorFileException e)
        {
            throw new InvalidDataException(e.Detail, e);
        }
    }

    public static string TypeName(DataType type) => ElementTypes.Name((ElementType)(int)type);
}
