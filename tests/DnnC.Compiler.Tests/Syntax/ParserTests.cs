using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.Syntax;
using DnnC.Compiler.Text;

namespace DnnC.Compiler.Tests.Syntax;

public class ParserTests
{
    public static TheoryData<string> Examples => new(Dsl.ExampleNames);

    /// <summary>Snippets that stress precedence, literals and layout; each must round-trip.</summary>
    public static TheoryData<string> Snippets => new(
        Dsl.Model("y = x |> conv2d(64, kernel: 3, pad: 1) |> batchnorm |> relu"),
        Dsl.Model("y = relu(a + x) * 0.5 - x / 2", outputs: "y"),
        Dsl.Model("y = (x + x) * (x - x)"),
        Dsl.Model("y = x - (x - x)"),
        Dsl.Model("y = (x |> relu) |> sigmoid"),
        Dsl.Model("y = (x |> relu) + x"),
        Dsl.Model("y = x |> reshape([1, -1]) |> softmax(axis: -1)"),
        Dsl.Model("y = x * -1.5e-3"),
        Dsl.Model("y = concat(x, x |> relu, axis: 1)"),
        Dsl.Model("@sparse(2:4) @bits(2)\n  y = x |> conv2d(8, kernel: [3, 1], pad: [1, 0], bias: false)"),
        Dsl.Model("weights \"w.safetensors\"\n  compile { target: [h100, sm_80], sparsity: 2:4, weight_bits: 2 }\n  y = x"),
        Dsl.Model("weights seed 7; y = x |> relu(); z = a.conv2d", outputs: "y, z"),
        "# leading comment\nmodel M(x: f16[2, 3]) -> y { # trailing\n  y = x |> relu # why\n}\n");

    [Theory]
    [MemberData(nameof(Examples))]
    public void ExamplesRoundTripThroughTheFormatter(string name) => AssertRoundTrip(Dsl.Example(name).Content);

    [Theory]
    [MemberData(nameof(Snippets))]
    public void SnippetsRoundTripThroughTheFormatter(string text) => AssertRoundTrip(text);

    private static void AssertRoundTrip(string text)
    {
        var first = Dsl.ParseOk(text);
        string formatted = DslFrontend.Format(first);
        var second = Dsl.ParseOk(formatted);
        SyntaxAssert.StructurallyEqual(first, second);
        Assert.Equal(formatted, DslFrontend.Format(second));
    }

    [Fact]
    public void PrecedenceIsPipelineThenSumThenTerm()
    {
        var model = Dsl.ParseOk(Dsl.Model("y = a + b * c |> relu"));
        var statement = Assert.IsType<StatementSyntax>(model.Items[0]);
        var pipeline = Assert.IsType<PipelineSyntax>(statement.Value);
        var sum = Assert.IsType<BinarySyntax>(pipeline.Source);
        Assert.Equal('+', sum.Operator);
        Assert.Equal('*', Assert.IsType<BinarySyntax>(sum.Right).Operator);
        Assert.Equal("relu", Assert.Single(pipeline.Stages).Callee.Text);
    }

    [Fact]
    public void SubtractionIsLeftAssociative()
    {
        var model = Dsl.ParseOk(Dsl.Model("y = a - b - c"));
        var outer = Assert.IsType<BinarySyntax>(Assert.IsType<StatementSyntax>(model.Items[0]).Value);
        Assert.IsType<BinarySyntax>(outer.Left);
        Assert.Equal("c", Assert.IsType<NameSyntax>(outer.Right).Name);
    }

    [Fact]
    public void SpansPointAtTheSourceText()
    {
        string text = Dsl.Model("  a = x |> conv2d(64, kernel: 3)");
        var model = Dsl.ParseOk(text);
        var statement = Assert.IsType<StatementSyntax>(model.Items[0]);
        var stage = Assert.IsType<PipelineSyntax>(statement.Value).Stages[0];
        Assert.Equal("conv2d(64, kernel: 3)", text.Substring(stage.Span.Start, stage.Span.Length));
        Assert.Equal("kernel: 3", text.Substring(stage.Arguments[1].Span.Start, stage.Arguments[1].Span.Length));
        Assert.Equal("a", text.Substring(statement.Target.Span.Start, statement.Target.Span.Length));
    }

    [Fact]
    public void ParsingRecoversAtEachStatementAndKeepsTheGoodOnes()
    {
        var bag = new DiagnosticBag();
        string text = Dsl.Model("a = x |> conv2d(8,, kernel: 3)\n  b = x |> relu\n  c = x |>\n  y = b");
        var model = DslFrontend.Parse(new SourceText("t.dnn", text), bag);

        Assert.NotNull(model);
        Assert.Equal(2, bag.Items.Count(d => d.Code == "DNN1001"));
        Assert.Equal(["a", "b", "c", "y"], model!.Items.Select(i => i switch
        {
            StatementSyntax s => s.Target.Text,
            ErrorItemSyntax e => e.Target!,
            _ => "?",
        }));
        Assert.IsType<ErrorItemSyntax>(model.Items[0]);
        Assert.IsType<StatementSyntax>(model.Items[1]);
        Assert.IsType<ErrorItemSyntax>(model.Items[2]);
    }

    [Fact]
    public void AStatementCanSpanLines()
    {
        var model = Dsl.ParseOk(Dsl.Model("y = x\n    |> conv2d(8, kernel: 3,\n              pad: 1)\n    |> relu"));
        var pipeline = Assert.IsType<PipelineSyntax>(Assert.IsType<StatementSyntax>(Assert.Single(model.Items)).Value);
        Assert.Equal(2, pipeline.Stages.Count);
    }

    [Fact]
    public void KeywordsArePrefixesOfNamesWithoutBeingReserved()
    {
        var model = Dsl.ParseOk(Dsl.Model("weightsx = x |> relu\n  truex = weightsx\n  y = truex"));
        Assert.All(model.Items, i => Assert.IsType<StatementSyntax>(i));
    }
}
