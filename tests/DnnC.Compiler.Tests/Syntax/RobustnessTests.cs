using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.Syntax;
using DnnC.Compiler.Syntax.Weights;
using DnnC.Compiler.Tests.Golden;
using DnnC.Compiler.Text;

namespace DnnC.Compiler.Tests.Syntax;

public class RobustnessTests
{
    public static TheoryData<string> Examples => new(Dsl.ExampleNames);

    /// <summary>
    /// Seeded random edits of every example (deleted, inserted and replaced characters,
    /// truncation) must give diagnostics, never an exception, and never a null graph without an error.
    /// </summary>
    [Theory]
    [MemberData(nameof(Examples))]
    public void MutatedExamplesNeverThrow(string name)
    {
        string original = Dsl.Example(name).Content;
        const string alphabet = "(){}[],:;=|>@#\"+-*/.0123456789abcxyz_ \n";
        var rng = new SplitMix64(SplitMix64.Hash(name));
        for (int trial = 0; trial < 300; trial++)
        {
            var text = new System.Text.StringBuilder(original);
            int edits = 1 + (int)(rng.NextUInt64() % 3);
            for (int e = 0; e < edits && text.Length > 0; e++)
            {
                int at = (int)(rng.NextUInt64() % (ulong)text.Length);
                char c = alphabet[(int)(rng.NextUInt64() % (ulong)alphabet.Length)];
                switch (rng.NextUInt64() % 4)
                {
                    case 0: text.Remove(at, 1); break;
                    case 1: text.Insert(at, c); break;
                    case 2: text[at] = c; break;
                    default: text.Length = at; break;
                }
            }
            var bag = new DiagnosticBag();
            var graph = DslFrontend.Load(new SourceText("fuzz.dnn", text.ToString()), bag);
            Assert.True(graph is not null || bag.HasErrors, $"null graph without an error for:\n{text}");
            Assert.All(bag.Items, d => Assert.True(d.Location.Span.End <= text.Length, $"span past the end: {d.Message}"));
        }
    }

    [Fact]
    public void GoldenDiffMarksChangedLines()
    {
        string diff = GoldenFile.Diff("a\nb\nc", "a\nB\nc");
        Assert.Contains("- b", diff);
        Assert.Contains("+ B", diff);
        Assert.Contains("  a", diff);
    }
}
