using DnnC.Runtime;
using DnnC.Runtime.Numerics;

namespace DnnC.Compiler.Tensors;

/// <summary>
/// A tensor as files and applications hold it: its element type, shape and values. Values are
/// float64, which holds every value of every numeric ONNX type exactly except 64-bit integers
/// beyond 2^53. DnnC computes in float32 (<see cref="ToHost"/>); outputs come back through
/// <see cref="FromHost"/>, which applies the declared type's Cast rules.
/// </summary>
public sealed record TypedTensor(ElementType Type, int[] Shape, double[] Values)
{
    public int Count => Values.Length;

    public string ShapeText => "[" + string.Join(", ", Shape) + "]";

    /// <summary>The first element float32 cannot hold exactly, or -1 when every one fits (NaN and infinities fit).</summary>
    public int FirstInexactIndex()
    {
        if (Type is ElementType.Float) return -1;
        for (int i = 0; i < Values.Length; i++)
        {
            double v = Values[i];
            if (!double.IsNaN(v) && (double)(float)v != v) return i;
        }
        return -1;
    }

    /// <summary>The float32 values DnnC computes with. Call <see cref="FirstInexactIndex"/> first where rounding must be refused.</summary>
    public HostTensor ToHost()
    {
        var data = new float[Values.Length];
        for (int i = 0; i < data.Length; i++) data[i] = (float)Values[i];
        return new HostTensor(Shape, data);
    }

    /// <summary>A computed float32 tensor as the type <paramref name="type"/> holds it (ONNX Cast's rules).</summary>
    public static TypedTensor FromHost(HostTensor tensor, ElementType type)
    {
        var data = tensor.Data;
        var values = new double[data.Length];
        for (int i = 0; i < values.Length; i++) values[i] = ElementTypes.Coerce(type, data[i], saturate: false);
        return new TypedTensor(type, tensor.Shape, values);
    }

    public static TypedTensor FromFloats(int[] shape, float[] data) =>
        new(ElementType.Float, shape, Array.ConvertAll(data, v => (double)v));

    /// <summary>The same values as another type (Cast's rules); used for seeded inputs of integer and bool types.</summary>
    public TypedTensor As(ElementType type) => new(type, Shape, Array.ConvertAll(Values, v => ElementTypes.Coerce(type, v)));
}
