namespace DnnC.Runtime.Numerics;

/// <summary>
/// The element type a model declares for a tensor at its interface (graph inputs and outputs), with
/// ONNX TensorProto.DataType's numbering so that files and models convert without a table. DnnC
/// computes in float32 and carries integer and bool values as exact float32 values; the interface
/// type says how a value is read from a file and written back (<see cref="ElementTypes.Coerce"/>).
/// </summary>
public enum ElementType
{
    Float = 1, UInt8 = 2, Int8 = 3, UInt16 = 4, Int16 = 5, Int32 = 6, Int64 = 7, String = 8,
    Bool = 9, Float16 = 10, Double = 11, UInt32 = 12, UInt64 = 13, Complex64 = 14, Complex128 = 15, BFloat16 = 16,
    Float8E4M3FN = 17, Float8E4M3FNUZ = 18, Float8E5M2 = 19, Float8E5M2FNUZ = 20, UInt4 = 21, Int4 = 22,
    Float4E2M1 = 23, Float8E8M0 = 24, UInt2 = 25, Int2 = 26,
}

public static class ElementTypes
{
    /// <summary>The numeric types and BOOL: every type DnnC reads and writes (not STRING or the complex types).</summary>
    public static bool IsNumeric(ElementType t) => Enum.IsDefined(t) && t is not (ElementType.String or ElementType.Complex64 or ElementType.Complex128);

    public static bool IsFloat(ElementType t) => t is ElementType.Float or ElementType.Float16 or ElementType.Double or ElementType.BFloat16
        or ElementType.Float8E4M3FN or ElementType.Float8E4M3FNUZ or ElementType.Float8E5M2 or ElementType.Float8E5M2FNUZ
        or ElementType.Float4E2M1 or ElementType.Float8E8M0;

    /// <summary>ONNX's spelling: FLOAT, INT64, FLOAT8E4M3FN...</summary>
    public static string Name(ElementType t) => Enum.IsDefined(t) ? t.ToString().ToUpperInvariant() : $"#{(int)t}";

    /// <summary>The narrower-than-float32 format that holds the type's values, or null (FLOAT, DOUBLE, BOOL, the 64-bit integers).</summary>
    public static ElementFormat? Format(ElementType t) => t switch
    {
        ElementType.Float16 => ElementFormat.Float16,
        ElementType.BFloat16 => ElementFormat.BFloat16,
        ElementType.Float8E4M3FN => ElementFormat.Float8E4M3FN,
        ElementType.Float8E4M3FNUZ => ElementFormat.Float8E4M3FNUZ,
        ElementType.Float8E5M2 => ElementFormat.Float8E5M2,
        ElementType.Float8E5M2FNUZ => ElementFormat.Float8E5M2FNUZ,
        ElementType.Float4E2M1 => ElementFormat.Float4E2M1,
        ElementType.Float8E8M0 => ElementFormat.Float8E8M0,
        ElementType.Int2 => ElementFormat.Int2,
        ElementType.UInt2 => ElementFormat.UInt2,
        ElementType.Int4 => ElementFormat.Int4,
        ElementType.UInt4 => ElementFormat.UInt4,
        ElementType.Int8 => ElementFormat.Int8,
        ElementType.UInt8 => ElementFormat.UInt8,
        ElementType.Int16 => ElementFormat.Int16,
        ElementType.UInt16 => ElementFormat.UInt16,
        ElementType.Int32 => ElementFormat.Int32,
        ElementType.UInt32 => ElementFormat.UInt32,
        _ => null,
    };

    /// <summary>
    /// What an element of type t holds for the value v, as ONNX Cast computes it: floats round to
    /// nearest even (the 8-bit floats saturate unless told not to), integers truncate and wrap,
    /// bool is v ≠ 0. NaN cast to an integer is 0 here (ONNX leaves it undefined).
    /// </summary>
    public static double Coerce(ElementType t, double v, bool saturate = true, PowerOfTwoRounding rounding = PowerOfTwoRounding.Up) => t switch
    {
        ElementType.Bool => v != 0 ? 1 : 0,   // NaN is true, as in ONNX Cast
        ElementType.Float => (float)v,
        ElementType.Double => v,
        ElementType.Int64 => double.IsNaN(v) ? 0 : Math.Clamp(Math.Truncate(v), long.MinValue, long.MaxValue),
        ElementType.UInt64 => double.IsNaN(v) ? 0 : Math.Clamp(Math.Truncate(v), 0, ulong.MaxValue),
        _ when Format(t) is { } format => IsFloat(t) || !double.IsNaN(v) ? ElementCast.Apply(format, v, saturate, rounding) : 0,
        _ => throw new ArgumentException($"element type {Name(t)} holds no numbers"),
    };
}
