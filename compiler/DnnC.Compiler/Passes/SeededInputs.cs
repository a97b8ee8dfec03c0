using DnnC.Compiler.IR;
using DnnC.Runtime;
using DnnC.Runtime.Numerics;

namespace DnnC.Compiler.Passes;

/// <summary>
/// <c>--seed N</c>: values for the inputs given no file, drawn from one generator in the graph's
/// input order so every backend (and every run) sees the same ones. Float inputs are uniform in
/// [-1, 1) rounded to their declared type; integer inputs are uniform integers in [0, 4) (small
/// enough to be valid indices and counts for most models); bool inputs are 0 or 1.
/// </summary>
public static class SeededInputs
{
    public static HostTensor Draw(GraphInput input, Random random)
    {
        var type = input.ElementType;
        var data = new float[input.Type.ElementCount];
        for (int k = 0; k < data.Length; k++)
        {
            double u = random.NextDouble();
            data[k] = type switch
            {
                _ when ElementTypes.IsFloat(type) => (float)ElementTypes.Coerce(type, u * 2 - 1),
                ElementType.Bool => u < 0.5 ? 0 : 1,
                _ => (float)Math.Floor(u * 4),
            };
        }
        return new HostTensor(input.Type.Dims, data);
    }
}
