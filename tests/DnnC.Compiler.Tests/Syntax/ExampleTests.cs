using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Syntax;

namespace DnnC.Compiler.Tests.Syntax;

public class ExampleTests
{
    public static TheoryData<string> Examples => new(Dsl.ExampleNames);

    [Fact]
    public void AllRequiredExamplesExist() =>
        Assert.Superset(new HashSet<string> { "mlp", "resnet_block", "mobilenet_block", "shift_block", "cifar_resnet" },
            Dsl.ExampleNames.ToHashSet());

    [Theory]
    [MemberData(nameof(Examples))]
    public void ExampleLoadsAndVerifies(string name)
    {
        var bag = new DiagnosticBag();
        var graph = DslFrontend.Load(Dsl.Example(name), bag);
        Assert.True(graph is not null, DiagnosticRenderer.RenderAll(bag.Items));
        Assert.Empty(bag.Items);
        Assert.Empty(GraphVerifier.Verify(graph!));
        Assert.NotEmpty(graph!.Outputs);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void ExampleReadmeShowsTheBuildCommand(string name)
    {
        string readme = File.ReadAllText(Path.Combine(Dsl.ExamplesDirectory, name, "README.md"));
        Assert.Contains($"dotnet run --project compiler/DnnC.Cli -- build examples/{name}/{name}.dnn -o out/{name}", readme);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void ExamplePrintsStably(string name)
    {
        var graph = DslFrontend.Load(Dsl.Example(name), new DiagnosticBag())!;
        Golden.GoldenFile.AssertMatches(Path.Combine("syntax", "examples", name + ".ir.txt"), GraphPrinter.Print(graph));
    }
}
