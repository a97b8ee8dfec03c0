using DnnC.Runtime;

namespace DnnC.Compiler.IR;

public enum DType { F32, F16 }

/// <summary>A static shape and element type. Every value in the IR has one.</summary>
public sealed record TensorType(DType DType, EquatableArray<int> Shape)
{
    public static TensorType F32(params int[] shape) => new(DType.F32, shape);

    public int Rank => Shape.Count;
    public int this[int axis] => Shape[axis];
    public long ElementCount => HostTensor.ElementCount(Shape);
    public int[] Dims => Shape.ToArray();

    public override string ToString() =>
        $"{(DType == DType.F32 ? "f32" : "f16")}[{string.Join(", ", Shape)}]";

    public static string FormatShape(IEnumerable<int> shape) => "[" + string.Join(", ", shape) + "]";
}
