using System.Reflection;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.Text;

namespace DnnC.Compiler.Tests.Syntax;

public class DiagnosticCodeTests
{
    /// <summary>Calls every Diag factory with placeholder arguments and returns (method, diagnostic).</summary>
    private static IEnumerable<(string Method, Diagnostic Diagnostic)> AllFactories() =>
        typeof(Diag).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.ReturnType == typeof(Diagnostic))
            // Overloads that take an exception only dispatch to the factories below; skip them.
            .Where(m => !m.GetParameters().Any(p => typeof(Exception).IsAssignableFrom(p.ParameterType)))
            .Select(m => (m.Name, (Diagnostic)m.Invoke(null, m.GetParameters().Select(Placeholder).ToArray())!));

    private static object? Placeholder(ParameterInfo p) =>
        p.ParameterType == typeof(SourceLocation) ? SourceLocation.None
        : p.ParameterType == typeof(string) ? "x"
        : p.ParameterType == typeof(int) ? 1
        : p.ParameterType == typeof(double) ? 1.0
        : p.ParameterType.IsAssignableFrom(typeof(string[])) ? new[] { "x" }
        : throw new InvalidOperationException($"no placeholder for {p.ParameterType}");

    [Fact]
    public void SyntaxAndWeightCodesAreUniqueAndInRange()
    {
        var ours = AllFactories().Where(f => f.Diagnostic.Code.StartsWith("DNN1") || f.Diagnostic.Code.StartsWith("DNN3")).ToList();
        Assert.True(ours.Count >= 30, $"found only {ours.Count} factories");
        var duplicates = ours.GroupBy(f => f.Diagnostic.Code).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(f => f.Method))}").ToList();
        Assert.True(duplicates.Count == 0, string.Join("\n", duplicates));
        Assert.All(ours, f => Assert.Matches(@"^DNN(1[0-9]{3}|3[01][0-9]{2})$", f.Diagnostic.Code));
    }

    [Fact]
    public void EveryCodeInTheWholeCatalogIsUnique()
    {
        var duplicates = AllFactories().GroupBy(f => f.Diagnostic.Code).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(f => f.Method))}").ToList();
        Assert.True(duplicates.Count == 0, string.Join("\n", duplicates));
    }
}
