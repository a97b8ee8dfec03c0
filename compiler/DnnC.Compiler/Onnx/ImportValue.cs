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
    private static readonly IReadOnlySet<string> NoSources = new HashSet<string>();

    private ImportValue(int[] shape, int elemType, ConstTensor? constant, string? irName, IReadOnlySet<string>? sources)
    {
        Shape = shape;
        ElemType = elemType;
        Constant = constant;
        IrName = irName;
        Sources = sources ?? NoSources;
    }

    public int[] Shape { get; }
    public int ElemType { get; }
    public ConstTensor? Constant { get; }

    /// <summary>The IR value; for a constant, set once it is materialized as an IR constant.</summary>
    public string? IrName { get; set; }

    /// <summary>
    /// The graph inputs a runtime value is computed from. When a node needs it at compile time,
    /// these are the inputs the model can be specialised on (OnnxImporter's retry).
    /// </summary>
    public IReadOnlySet<string> Sources { get; }

    public bool IsConstant => Constant is not null;
    public int Rank => Shape.Length;
    public TensorType Type => TensorType.F32(Shape);

    public static ImportValue Const(ConstTensor tensor, int elemType) => new(tensor.Shape, elemType, tensor, null, null);
    public static ImportValue Runtime(string irName, int[] shape, int elemType, IReadOnlySet<string> sources) =>
        new(shape, elemType, null, irName, sources);

    /// <summary>The union of the inputs' sources, sharing the set when they all have the same one (the usual case).</summary>
    public static IReadOnlySet<string> SourcesOf(IReadOnlyList<ImportValue> inputs)
    {
        IReadOnlySet<string>? only = null;
        HashSet<string>? union = null;
        foreach (var input in inputs)
        {
            if (input.Sources.Count == 0 || ReferenceEquals(input.Sources, only)) continue;
            if (only is null) { only = input.Sources; continue; }
            union ??= new HashSet<string>(only);
            union.UnionWith(input.Sources);
        }
        return union ?? only ?? NoSources;
    }
}

/// <summary>ONNX TensorProto.DataType codes and what the importer does with each.</summary>
internal static class ElemTypes
{
    public const int Float = 1, UInt8 = 2, Int8 = 3, UInt16 = 4, Int16 = 5, Int32 = 6, Int64 = 7, String = 8,
        Bool = 9, Float16 = 10, Double = 11, UInt32 = 12, UInt64 = 13, BFloat16 = 16,
        Float8E4M3FN = 17, Float8E4M3FNUZ = 18, Float8E5M2 = 19, Float8E5M2FNUZ = 20, UInt4 = 21, Int4 = 22,
        Float4E2M1 = 23, Float8E8M0 = 24, UInt2 = 25, Int2 = 26;

    public static bool IsFloat(int t) => ElementTypes.IsFloat((ElementType)t);
    public static bool IsSupported(int t) => ElementTypes.IsNumeric((ElementType)t);
    public static bool IsInteger(int t) => IsSupported(t) && !IsFloat(t) && t != Bool;

    public static string Name(int t) => ElementTypes.Name((ElementType)t);

    /// <summary>The narrower-than-float32 format an element type rounds onto (<see cref="ElementTypes.Format"/>).</summary>
    public static ElementFormat? Format(int t) => ElementTypes.Format((ElementType)t);

    /// <summary>What an element of type t holds for the value v, as ONNX Cast computes it (<see cref="ElementTypes.Coerce"/>).</summary>
    public static double Coerce(int t, double v, bool saturate = true, PowerOfTwoRounding rounding = PowerOfTwoRounding.Up) =>
        ElementTypes.Coerce((ElementType)t, v, saturate, rounding);
}
