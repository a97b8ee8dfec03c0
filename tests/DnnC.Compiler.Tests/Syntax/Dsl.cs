using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Syntax;
using DnnC.Compiler.Tests.Golden;
using DnnC.Compiler.Text;

namespace DnnC.Compiler.Tests.Syntax;

/// <summary>Small helpers shared by the DSL tests.</summary>
internal static class Dsl
{
    public static string ExamplesDirectory => Path.Combine(GoldenFile.RepositoryRoot, "examples");

    public static string CasesDirectory => Path.Combine(GoldenFile.RepositoryRoot, "tests", "DnnC.Compiler.Tests", "Syntax", "cases");

    public static IEnumerable<string> ExampleNames =>
        Directory.GetDirectories(ExamplesDirectory)
            .Select(Path.GetFileName)
            .Where(n => File.Exists(Path.Combine(ExamplesDirectory, n!, n + ".dnn")))
            .Select(n => n!)
            .Order(StringComparer.Ordinal);

    public static SourceText Example(string name)
    {
        string path = Path.Combine(ExamplesDirectory, name, name + ".dnn");
        return new SourceText(path, File.ReadAllText(path));
    }

    public static ModelSyntax ParseOk(string text)
    {
        var bag = new DiagnosticBag();
        var model = DslFrontend.Parse(new SourceText("test.dnn", text), bag);
        Assert.True(!bag.HasErrors && model is not null, DiagnosticRenderer.RenderAll(bag.Items));
        return model!;
    }

    /// <summary>Loads text that must be error-free, failing with the rendered diagnostics otherwise.</summary>
    public static Graph LoadOk(string text, string path = "test.dnn")
    {
        var bag = new DiagnosticBag();
        var graph = DslFrontend.Load(new SourceText(path, text), bag);
        Assert.True(graph is not null && !bag.HasErrors, DiagnosticRenderer.RenderAll(bag.Items));
        return graph!;
    }

    public static IReadOnlyList<Diagnostic> LoadErrors(string text, string path = "test.dnn")
    {
        var bag = new DiagnosticBag();
        var graph = DslFrontend.Load(new SourceText(path, text), bag);
        Assert.Null(graph);
        return bag.Items;
    }

    /// <summary>A minimal model around some statements, with input x: f32[1, 8, 16, 16].</summary>
    public static string Model(string body, string outputs = "y", string inputs = "x: f32[1, 8, 16, 16]") =>
        $"model M({inputs}) -> ({outputs}) {{\n{body}\n}}\n";
}
