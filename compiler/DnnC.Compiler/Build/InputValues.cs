using System.Globalization;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.Onnx;
using DnnC.Compiler.Tensors;
using DnnC.Runtime.Numerics;

namespace DnnC.Compiler.Build;

/// <summary>
/// <c>--input-value NAME=FILE</c> or <c>NAME=v1,v2,...</c>: the value a model is specialised on,
/// for an input the compiler needs at compile time (a target shape, axes, pads, scales...). A list
/// takes the input's declared element type and, when the declaration leaves it open, a 1-D shape.
/// </summary>
public static class InputValues
{
    public static Dictionary<string, TypedTensor> Parse(IReadOnlyList<string> flags, IReadOnlyList<DeclaredInput> declared, DiagnosticBag diagnostics)
    {
        var values = new Dictionary<string, TypedTensor>(StringComparer.Ordinal);
        foreach (var flag in flags)
        {
            int eq = flag.IndexOf('=');
            var input = eq > 0 ? declared.FirstOrDefault(d => d.Name == flag[..eq]) : null;
            if (input is null)
            {
                diagnostics.Add(Diag.BadInputValue(flag, eq > 0
                    ? $"the model has no input '{flag[..eq]}'; its inputs are {string.Join(", ", declared.Select(d => d.Name))}"
                    : "expected NAME=FILE or NAME=v1,v2,..."));
                continue;
            }
            string text = flag[(eq + 1)..];
            var value = File.Exists(text) ? FromFile(flag, text, input, diagnostics) : FromList(flag, text, input, diagnostics);
            if (value is not null && !values.TryAdd(input.Name, value))
                diagnostics.Add(Diag.BadInputValue(flag, $"input '{input.Name}' is given twice"));
        }
        return values;
    }

    private static TypedTensor? FromFile(string flag, string path, DeclaredInput input, DiagnosticBag diagnostics)
    {
        TypedTensor tensor;
        try
        {
            tensor = TensorFiles.ReadTyped(path).Tensor;
        }
        catch (TensorFileException e)
        {
            diagnostics.Add(Diag.TensorFile(e));
            return null;
        }
        if (ElementTypes.IsNumeric(input.ElementType) && tensor.Type != input.ElementType)
        {
            diagnostics.Add(Diag.InputTypeMismatch(path, input.Name, ElementTypes.Name(input.ElementType), ElementTypes.Name(tensor.Type)));
            return null;
        }
        if (input.Dims is { } dims && (dims.Length != tensor.Shape.Length || dims.Zip(tensor.Shape).Any(p => p.First is long d && d != p.Second)))
        {
            diagnostics.Add(Diag.BadInputValue(flag, $"input '{input.Name}' is declared {input.ShapeText} but the file holds {tensor.ShapeText}"));
            return null;
        }
        return tensor;
    }

    private static TypedTensor? FromList(string flag, string text, DeclaredInput input, DiagnosticBag diagnostics)
    {
        var type = ElementTypes.IsNumeric(input.ElementType) ? input.ElementType : ElementType.Float;
        var words = text.Length == 0 ? [] : text.Split(',', StringSplitOptions.TrimEntries);
        var values = new double[words.Length];
        for (int i = 0; i < words.Length; i++)
        {
            if (!double.TryParse(words[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            {
                diagnostics.Add(Diag.BadInputValue(flag, $"'{words[i]}' is not a number (and no file '{text}' exists)"));
                return null;
            }
            values[i] = ElementTypes.Coerce(type, v);
            if (!ElementTypes.IsFloat(type) && !values[i].Equals(v))
            {
                diagnostics.Add(Diag.BadInputValue(flag, $"{words[i]} is not a {ElementTypes.Name(type)} value, the type input '{input.Name}' is declared with"));
                return null;
            }
        }
        var shape = ListShape(input.Dims, values.Length);
        if (shape is null)
        {
            diagnostics.Add(Diag.BadInputValue(flag, $"{values.Length} value(s) do not fit input '{input.Name}', declared {input.ShapeText}; give a tensor file instead"));
            return null;
        }
        return new TypedTensor(type, shape, values);
    }

    /// <summary>The declared shape when it is static and holds <paramref name="count"/> values; a scalar or a vector when the declaration allows one.</summary>
    private static int[]? ListShape(long?[]? dims, int count)
    {
        if (dims is null) return [count];
        if (dims.All(d => d is not null) && dims.Aggregate(1L, (p, d) => p * d!.Value) == count) return dims.Select(d => (int)d!.Value).ToArray();
        if (dims.Length == 1 && dims[0] is null) return [count];
        return null;
    }
}
