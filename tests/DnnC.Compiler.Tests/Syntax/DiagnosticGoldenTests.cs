using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.Syntax;
using DnnC.Compiler.Tests.Golden;
using DnnC.Compiler.Text;

namespace DnnC.Compiler.Tests.Syntax;

/// <summary>
/// Each file under Syntax/cases is a small broken model; its rendered diagnostics must match
/// Golden/baselines/syntax/cases/&lt;name&gt;.txt (DNNC_UPDATE_GOLDEN=1 rewrites them).
/// </summary>
public class DiagnosticGoldenTests
{
    public static TheoryData<string> Cases => new(
        Directory.GetFiles(Dsl.CasesDirectory, "*.dnn").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!);

    [Fact]
    public void ThereAreEnoughCases() => Assert.True(Cases.Count >= 24, $"only {Cases.Count} cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public void DiagnosticsMatchBaseline(string name)
    {
        string path = Path.Combine(Dsl.CasesDirectory, name + ".dnn");
        string text = File.ReadAllText(path);
        var bag = new DiagnosticBag();
        var graph = DslFrontend.Load(new SourceText(path, text), bag);

        Assert.Null(graph);
        Assert.Contains(bag.Items, d => d.IsError);
        GoldenFile.AssertMatches(Path.Combine("syntax", "cases", name + ".txt"), Render(bag.Items, name + ".dnn", text));
    }

    /// <summary>Renders against a copy of the source named by file name only, so baselines hold no machine paths.</summary>
    private static string Render(IEnumerable<Diagnostic> diagnostics, string fileName, string text)
    {
        var shortSource = new SourceText(fileName, text);
        return DiagnosticRenderer.RenderAll(diagnostics.Select(d =>
            d.Location.Source is null ? d : d with { Location = d.Location with { Source = shortSource } }));
    }
}
