using System.Text.RegularExpressions;
using DnnC.Compiler.Build;
using DnnC.Compiler.IR;
using DnnC.Runtime;

namespace DnnC.Cli;

/// <summary>
/// What <c>run --input</c> can say: <c>[NAME=]FILE</c> binds a tensor file, and <c>NAME=DIMxDIMx...</c>
/// (as for <c>build</c>) fixes an input's shape, for a dynamic ONNX input filled by <c>--seed</c>.
/// </summary>
public static partial class RunInputs
{
    [GeneratedRegex(@"\A[^=]+=[0-9]+(x[0-9]+)*\z")]
    private static partial Regex ShapeFlag();

    /// <summary>Separates shape flags from file flags. A value that names an existing file stays a file.</summary>
    public static (IReadOnlyDictionary<string, int[]> Shapes, string[] Files) Split(IEnumerable<string> flags)
    {
        var shapes = new List<string>();
        var files = new List<string>();
        foreach (var flag in flags)
        {
            bool isShape = ShapeFlag().IsMatch(flag) && !File.Exists(flag[(flag.IndexOf('=') + 1)..]);
            (isShape ? shapes : files).Add(flag);
        }
        return (InputShapes.Parse(shapes), files.ToArray());
    }

    /// <summary>
    /// One input filled from <paramref name="random"/>, uniform in [-1, 1). The caller draws the
    /// inputs in the graph's input order from one generator seeded by <c>--seed</c>, so every
    /// backend (and every run) sees the same values.
    /// </summary>
    public static HostTensor Seeded(GraphInput input, Random random)
    {
        var data = new float[input.Type.ElementCount];
        for (int k = 0; k < data.Length; k++) data[k] = (float)(random.NextDouble() * 2 - 1);
        return new HostTensor(input.Type.Dims, data);
    }
}
