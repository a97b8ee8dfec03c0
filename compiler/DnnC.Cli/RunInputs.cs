using System.Text.RegularExpressions;
using DnnC.Compiler.Build;

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
}
