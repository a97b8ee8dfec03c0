using DnnC.Compiler.IR;

namespace DnnC.Compiler.Onnx;

/// <summary>
/// An ONNX value during import: its static shape, its ONNX element type, and either a
/// compile-time <see cref="Constant"/> or the IR value that computes it at run time.
/// Integer and bool values on the data path are carried as float32 holding the exact values
/// (bool as 0 and 1); <see cref="ElemType"/> keeps their ONNX type for the ops that care.
/// </summary>
internal sealed class ImportValue
{
    private ImportValue(int[] shape, int elemType, ConstTensor? constant, string? irName)
    {
        Shape = shape;
        ElemType = elemType;
        Constant = constant;
        IrName = irName;
    }

    public int[] Shape { get; }
    public int ElemType { get; }
    public ConstTensor? Constant { get; }

    /// <summary>The IR value; for a constant, set once it is materialized as an IR constant.</summary>
    public string? IrName { get; set; }

    public bool IsConstant => Constant is not null;
    public int Rank => Shape.Length;
    public TensorType Type => TensorType.F32(Shape);

    public static ImportValue Const(ConstTensor tensor, int elemType) => new(tensor.Shape, elemType, tensor, null);
    public static ImportValue Runtime(string irName, int[] shape, int elemType) => new(shape, elemType, null, irName);
}

/// <summary>ONNX TensorProto.DataType codes and what the importer does with each.</summary>
internal static class ElemTypes
{
    public const int Float = 1, UInt8 = 2, Int8 = 3, UInt16 = 4, Int16 = 5, Int32 = 6, Int64 = 7, String = 8,
        Bool = 9, Float16 = 10, Double = 11, UInt32 = 12, UInt64 = 13, BFloat16 = 16;

    public static bool IsFloat(int t) => t is Float or Float16 or Double or BFloat16;
    public static bool IsInteger(int t) => t is UInt8 or Int8 or UInt16 or Int16 or Int32 or Int64 or UInt32 or UInt64;
    public static bool IsSupported(int t) => IsFloat(t) || IsInteger(t) || t == Bool;

    public static string Name(int t) =>
        Enum.IsDefined(typeof(Proto.TensorProto.Types.DataType), t)
            ? ((Proto.TensorProto.Types.DataType)t).ToString().ToUpperInvariant()
            : $"#{t}";

    /// <summary>Rounds a value to what an element of type t can hold (integer truncation, bool, float32).</summary>
    public static double Coerce(int t, double v) => t switch
    {
        Bool => v != 0 ? 1 : 0,
        Float16 => (double)(Half)v,
        Float or BFloat16 => (float)v,
        Double => v,
        UInt8 => (byte)(long)Math.Truncate(v),
        Int8 => (sbyte)(long)Math.Truncate(v),
        UInt16 => (ushort)(long)Math.Truncate(v),
        Int16 => (short)(long)Math.Truncate(v),
        Int32 => (int)(long)Math.Truncate(v),
        UInt32 => (uint)(long)Math.Truncate(v),
        _ => Math.Truncate(v),
    };
}
