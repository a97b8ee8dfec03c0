using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Onnx.Proto;

namespace DnnC.Compiler.Onnx;

/// <summary>
/// Graph inputs: their element type, and their shape with dynamic dimensions fixed by
/// <c>--input NAME=DIMS</c>. A static dimension the flag contradicts is an error, and so is a
/// dynamic one it leaves unset.
/// </summary>
internal static class OnnxInputs
{
    public static (int[] Shape, int ElemType)? Resolve(ValueInfoProto input, int[]? given, ImportContext context)
    {
        string path = context.Path;
        var diagnostics = context.Diagnostics;
        if (input.Type?.TensorType is not { } tensorType)
        {
            diagnostics.Add(Diag.OnnxBadInputType(path, input.Name, "only tensor inputs are supported (not sequences, maps or optionals)"));
            return null;
        }
        int elemType = tensorType.ElemType;
        if (!ElemTypes.IsSupported(elemType))
        {
            diagnostics.Add(Diag.OnnxUnsupportedType(path, $"graph input '{input.Name}'", ElemTypes.Name(elemType)));
            return null;
        }
        var dims = tensorType.Shape?.Dim.ToList();
        if (dims is null)
        {
            if (given is not null) return Checked(input.Name, given, context) ? (given, elemType) : null;
            diagnostics.Add(Diag.OnnxDynamicDimUnset(path, input.Name, 0, "unknown rank"));
            return null;
        }
        if (given is not null && given.Length != dims.Count)
        {
            diagnostics.Add(Diag.OnnxInputShapeConflict(path, input.Name, Declared(dims), string.Join("x", given)));
            return null;
        }
        var shape = new int[dims.Count];
        bool ok = true;
        for (int i = 0; i < dims.Count; i++)
        {
            var dim = dims[i];
            bool isStatic = dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue;
            if (isStatic && dim.DimValue < 0)
            {
                diagnostics.Add(Diag.OnnxAbsurdShape(path, $"graph input '{input.Name}'", $"dimension {i} is {dim.DimValue}"));
                ok = false;
            }
            else if (isStatic && given is not null && given[i] != dim.DimValue)
            {
                diagnostics.Add(Diag.OnnxInputShapeConflict(path, input.Name, Declared(dims), string.Join("x", given)));
                return null;
            }
            else if (given is not null) shape[i] = given[i];
            else if (isStatic) shape[i] = dim.DimValue > int.MaxValue ? int.MaxValue : (int)dim.DimValue;
            else
            {
                diagnostics.Add(Diag.OnnxDynamicDimUnset(path, input.Name, i, dim.DimParam.Length > 0 ? dim.DimParam : "?"));
                ok = false;
            }
        }
        return ok && Checked(input.Name, shape, context) ? (shape, elemType) : null;
    }

    private static bool Checked(string name, int[] shape, ImportContext context)
    {
        if (Onnx.Checked.ValidateDims(shape.Select(d => (long)d).ToArray()) is { } error)
        {
            context.Diagnostics.Add(Diag.OnnxAbsurdShape(context.Path, $"graph input '{name}'", error));
            return false;
        }
        return true;
    }

    private static string Declared(IEnumerable<TensorShapeProto.Types.Dimension> dims) =>
        "[" + string.Join(", ", dims.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue
            ? d.DimValue.ToString()
            : d.DimParam.Length > 0 ? d.DimParam : "?")) + "]";
}
