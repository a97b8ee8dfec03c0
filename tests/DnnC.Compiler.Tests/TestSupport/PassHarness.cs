using DnnC.Compiler.IR;
using DnnC.Compiler.Passes;
using DnnC.Compiler.Reference;
using DnnC.Runtime;

namespace DnnC.Compiler.Tests.TestSupport;

/// <summary>Runs one pass like the pass manager does (verify after) and checks it kept the function.</summary>
public static class PassHarness
{
    public static Graph Run(IPass pass, Graph before)
    {
        Assert.Empty(GraphVerifier.Verify(before));
        var after = pass.Run(before, new PassContext());
        Assert.Empty(GraphVerifier.Verify(after));
        return after;
    }

    /// <summary>The reference executor gives the same outputs before and after, on fresh random inputs.</summary>
    public static void AssertSameFunction(Graph before, Graph after, int seed, double rtol = 1e-5)
    {
        var rng = new Rng(seed);
        var inputs = before.Inputs.ToDictionary(i => i.Name, i => rng.Tensor(i.Type.Dims));
        var expected = ReferenceExecutor.Run(before, inputs);
        var actual = ReferenceExecutor.Run(after, inputs);
        foreach (var output in before.Outputs)
            Compare.Close(expected[output.Name], actual[output.Name], rtol, 1e-6);
    }

    public static string Ir(Graph graph) => GraphPrinter.Print(graph);
}
