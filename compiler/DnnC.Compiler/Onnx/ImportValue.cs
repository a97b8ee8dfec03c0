using DnnC.Compiler.IR;
using DnnC.Runtime.Numerics;

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
        Bool = 9, Float16 = 10, Double = 11, UInt32 = 12, UInt64 = 13, BFloat16 = 16,
        Float8E4M3FN = 17, Float8E4M3FNUZ = 18, Float8E5M2 = 19, Float8E5M2FNUZ = 20, UInt4 = 21, Int4 = 22,
        Float4E2M1 = 23, Float8E8M0 = 24, UInt2 = 25, Int2 = 26;

    public static bool IsFloat(int t) => t is Float or Float16 or Double or BFloat16
        or Float8E4M3FN or Float8E4M3FNUZ or Float8E5M2 or Float8E5M2FNUZ or Float4E2M1 or Float8E8M0;
    public static bool IsInteger(int t) => t is UInt8 or Int8 or UInt16 or Int16 or Int32 or Int64 or UInt32 or UInt64
        or UInt4 or Int4 or UInt2 or Int2;
    public static bool IsSupported(int t) => IsFloat(t) || IsInteger(t) || t == Bool;

    public static string Name(int t) =>
        Enum.IsDefined(typeof(Proto.TensorProto.Types.DataType), t)
            ? ((Proto.TensorProto.Types.DataType)t).ToString().ToUpperInvariant()
            : $"#{t}";

    /// <summary>
    /// The narrower-than-float32 format an element type rounds onto, or null when float32 carries
    /// the type's values as they are (FLOAT, DOUBLE, BOOL, the 64-bit integers).
    /// </summary>
    public static ElementFormat? Format(int t) => t switch
    {
        Float16 => ElementFormat.Float16,
        BFloat16 => ElementFormat.BFloat16,
        Float8E4M3FN => ElementFormat.Float8E4M3FN,
        Float8E4M3FNUZ => ElementFormat.Float8E4M3FNUZ,
        Float8E5M2 => ElementFormat.Float8E5M2,
        Float8E5M2FNUZ => ElementFormat.Float8E5M2FNUZ,
        Float4E2M1 => ElementFormat.Float4E2M1,
        Float8E8M0 => ElementFormat.Float8E8M0,
        Int2 => ElementFormat.Int2,
        UInt2 => ElementFormat.UInt2,
        Int4 => ElementFormat.Int4,
        UInt4 => ElementFormat.UInt4,
        Int8 => ElementFormat.Int8,
        UInt8 => ElementFormat.UInt8,
        Int16 => ElementFormat.Int16,
        UInt16 => ElementFormat.UInt16,
        Int32 => ElementFormat.Int32,
        UInt32 => ElementFormat.UInt32,
        _ => null,
    };

    /// <summary>
    /// What an element of type t holds for the value v, as ONNX Cast computes it: floats round to
    /// nearest even (the 8-bit floats saturate unless told not to), integers truncate and wrap,
    /// bool is v ≠ 0.
    /// </summary>
    public static double Coerce(int t, double v, bool saturate = true, PowerOfTwoRounding rounding = PowerOfTwoRounding.Up) => t switch
    {
        Bool => v != 0 ? 1 : 0,
        Float => (float)v,
        Double => v,
        Int64 or UInt64 => Math.Truncate(v),
        _ when Format(t) is { } format => ElementCast.Apply(format, v, saturate, rounding),
        _ => Math.Truncate(v),
    };
}
