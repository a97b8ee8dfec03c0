using System.Collections;
using System.Reflection;
using DnnC.Compiler.Text;

namespace DnnC.Compiler.Tests.Syntax;

/// <summary>Structural equality of ASTs that ignores where nodes were parsed from (their spans).</summary>
public static class SyntaxAssert
{
    public static void StructurallyEqual(object? expected, object? actual)
    {
        string? difference = Compare(expected, actual, "model");
        Assert.True(difference is null, difference);
    }

    private static string? Compare(object? a, object? b, string path)
    {
        if (a is null || b is null) return a is null && b is null ? null : $"{path}: one side is null";
        if (a.GetType() != b.GetType()) return $"{path}: {a.GetType().Name} vs {b.GetType().Name}";
        if (a is TextSpan) return null;
        if (a is string || a.GetType().IsPrimitive || a.GetType().IsEnum)
            return a.Equals(b) ? null : $"{path}: '{a}' vs '{b}'";
        if (a is IEnumerable ea && b is IEnumerable eb)
        {
            var la = ea.Cast<object?>().ToList();
            var lb = eb.Cast<object?>().ToList();
            if (la.Count != lb.Count) return $"{path}: {la.Count} vs {lb.Count} items";
            for (int i = 0; i < la.Count; i++)
                if (Compare(la[i], lb[i], $"{path}[{i}]") is { } d) return d;
            return null;
        }
        foreach (var p in a.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length > 0 || p.PropertyType == typeof(TextSpan)) continue;
            if (p.Name == "EqualityContract") continue;
            if (Compare(p.GetValue(a), p.GetValue(b), $"{path}.{p.Name}") is { } d) return d;
        }
        return null;
    }
}
