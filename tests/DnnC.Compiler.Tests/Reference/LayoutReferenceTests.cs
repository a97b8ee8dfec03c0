using DnnC.Compiler.IR;
using DnnC.Runtime;
using static DnnC.Compiler.Tests.Reference.RefHarness;

namespace DnnC.Compiler.Tests.Reference;

public sealed class LayoutReferenceTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    public void ConcatJoinsAlongTheAxis(int seed, int axis)
    {
        int[] Shape(int along) { int[] s = [2, 3, 4, 5]; s[axis] = along; return s; }
        var parts = new[] { Random(seed, Shape(1)), Random(seed + 1, Shape(3)), Random(seed + 2, Shape(2)) };
        Check(new ConcatOp(axis), parts, Naive.Concat(parts.Select(N).ToList(), axis));
    }

    [Fact]
    public void ConcatOfOneInputIsIdentity()
    {
        var x = Random(5, [3, 2]);
        Check(new ConcatOp(1), [x], N(x));
    }

    [Theory]
    [InlineData(1, new[] { 2, 3, 4 }, new[] { 4, 6 })]
    [InlineData(2, new[] { 2, 3, 4 }, new[] { 24 })]
    [InlineData(3, new[] { 6 }, new[] { 1, 2, 1, 3 })]
    public void ReshapeKeepsRowMajorOrder(int seed, int[] from, int[] to)
    {
        var x = Random(seed, from);
        Check(new ReshapeOp(to), [x], new NTensor(to, N(x).Data));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 4)]
    public void FlattenSplitsAtTheAxis(int seed, int axis)
    {
        int[] shape = [2, 3, 4, 5];
        var x = Random(seed, shape);
        int outer = shape[..axis].Aggregate(1, (a, d) => a * d);
        Check(new FlattenOp(axis), [x], new NTensor([outer, 120 / outer], N(x).Data));
    }

    [Theory]
    [InlineData(1, new[] { 0, 2, 3, 1 })]
    [InlineData(2, new[] { 3, 1, 0, 2 })]
    [InlineData(3, new[] { 0, 1, 2, 3 })]
    [InlineData(4, new[] { 1, 0 })]
    [InlineData(5, new[] { 2, 0, 1 })]
    public void TransposePermutesAxes(int seed, int[] perm)
    {
        int[] full = [2, 3, 4, 5];
        var x = Random(seed, full[..perm.Length]);
        Check(new TransposeOp(perm), [x], Naive.Transpose(N(x), perm));
    }

    [Fact]
    public void TransposeMovesAKnownElement()
    {
        var x = Random(9, [2, 3, 4]);
        var (graph, feeds) = OneOp(new TransposeOp([2, 0, 1]), [x]);
        var y = DnnC.Compiler.Reference.ReferenceExecutor.Run(graph, feeds)["result"];
        Assert.Equal([4, 2, 3], y.Shape);
        // y[k, i, j] = x[i, j, k]; take i=1, j=2, k=3.
        Assert.Equal(x.Data[(1 * 3 + 2) * 4 + 3], y.Data[(3 * 2 + 1) * 3 + 2]);
    }

    [Fact]
    public void ConstantNodeReadsTheWeightTable()
    {
        var w = Random(10, [3, 4]);
        var builder = new GraphBuilder("c");
        builder.Output("weights", builder.Constant("w", w));
        var y = DnnC.Compiler.Reference.ReferenceExecutor.Run(builder.Build(), new Dictionary<string, HostTensor>())["weights"];
        Assert.Equal(w.Shape, y.Shape);
        Assert.Equal(w.Data, y.Data);
    }
}
