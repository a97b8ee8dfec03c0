using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// The only ways text reaches generated CUDA: checked identifiers, escaped comments and exact
/// literals. Model-supplied names never go anywhere else.
/// </summary>
public static partial class CudaText
{
    [GeneratedRegex(@"\A[A-Za-z_][A-Za-z0-9_]*\z")]
    private static partial Regex Identifier();

    /// <summary>Returns <paramref name="name"/> if it is a plain C identifier, else throws.</summary>
    public static string CheckIdentifier(string name)
    {
        if (!Identifier().IsMatch(name))
            throw new ArgumentException($"'{Comment(name)}' is not a valid CUDA identifier ([A-Za-z_][A-Za-z0-9_]*)", nameof(name));
        return name;
    }

    /// <summary>
    /// Text safe inside a /* */ comment: printable ASCII only (no newlines, no backslashes that
    /// could splice lines), and no "*/" even after removals create a new one.
    /// </summary>
    public static string Comment(string text)
    {
        var kept = new StringBuilder(text.Length);
        foreach (char c in text)
            if (c >= ' ' && c <= '~' && c != '\\') kept.Append(c);
        string result = kept.ToString();
        while (result.Contains("*/")) result = result.Replace("*/", "");
        while (result.Contains("/*")) result = result.Replace("/*", "");
        return result;
    }

    /// <summary>An exact float literal; non-finite values by bit pattern (no headers needed).</summary>
    public static string Float(float value)
    {
        if (!float.IsFinite(value))
            return $"__int_as_float(0x{BitConverter.SingleToInt32Bits(value):x8})";
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        if (!text.Contains('.') && !text.Contains('E')) text += ".0";
        return text + "f";
    }

    /// <summary>An integer literal of the kernel's index type.</summary>
    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>"int" when every offset the kernel forms fits in 32 bits, else "long long".</summary>
    public static string IndexType(params long[] extents) =>
        extents.All(e => e < int.MaxValue) ? "int" : "long long";
}
