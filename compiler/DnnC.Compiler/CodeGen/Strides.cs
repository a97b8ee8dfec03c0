namespace DnnC.Compiler.CodeGen;

/// <summary>Row-major element strides, which several data-movement templates bake into their source.</summary>
internal static class Strides
{
    public static long[] Of(IReadOnlyList<int> shape)
    {
        var strides = new long[shape.Count];
        long stride = 1;
        for (int d = shape.Count - 1; d >= 0; d--)
        {
            strides[d] = stride;
            stride *= shape[d];
        }
        return strides;
    }
}
