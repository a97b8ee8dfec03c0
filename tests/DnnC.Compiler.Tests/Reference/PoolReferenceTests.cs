using DnnC.Compiler.IR;
using DnnC.Runtime.Plan;
using static DnnC.Compiler.Tests.Reference.RefHarness;

namespace DnnC.Compiler.Tests.Reference;

public sealed class PoolReferenceTests
{
    public static TheoryData<int, PoolKind, string, bool, bool> Cases()
    {
        // "N C H W | kH kW | sH sW | padT padL padB padR"
        string[] windows =
        [
            "1 2 7 7 | 3 3 | 2 2 | 1 1 1 1",
            "2 3 8 9 | 2 2 | 2 2 | 0 0 0 0",
            "1 2 9 10 | 2 3 | 1 2 | 0 1 1 0",
            "1 3 10 11 | 3 3 | 2 2 | 0 0 0 0",
            "1 2 6 5 | 3 2 | 3 2 | 1 0 1 1",
            "1 1 13 13 | 3 3 | 2 2 | 1 1 1 1",
        ];
        var data = new TheoryData<int, PoolKind, string, bool, bool>();
        int seed = 60;
        foreach (var window in windows)
        foreach (var ceil in new[] { false, true })
        {
            data.Add(seed++, PoolKind.Max, window, false, ceil);
            data.Add(seed++, PoolKind.Average, window, false, ceil);
            data.Add(seed++, PoolKind.Average, window, true, ceil);
        }
        return data;
    }

    private static int[] Ints(string s) => s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();

    [Theory]
    [MemberData(nameof(Cases))]
    public void PoolMatchesWindowDefinition(int seed, PoolKind kind, string spec, bool countIncludePad, bool ceil)
    {
        var p = spec.Split('|').Select(Ints).ToArray();
        var x = Random(seed, p[0]);
        var op = new PoolOp(kind, p[1], p[2], p[3], countIncludePad, ceil);
        var expected = Naive.Pool(N(x), kind == PoolKind.Max, p[1], p[2], p[3], countIncludePad, ceil);
        Check(op, [x], expected);
    }

    [Fact]
    public void CeilModeAddsAPartialWindow()
    {
        // 10 wide, kernel 3, stride 2: floor gives 4 windows, ceil a fifth that reads columns 8–9 only.
        var x = Random(70, [1, 1, 1, 10]);
        var op = new PoolOp(PoolKind.Average, [1, 3], [1, 2], [0, 0, 0, 0], CeilMode: true);
        var (graph, feeds) = OneOp(op, [x]);
        var y = DnnC.Compiler.Reference.ReferenceExecutor.Run(graph, feeds)["result"];
        Assert.Equal([1, 1, 1, 5], y.Shape);
        Assert.Equal((x.Data[8] + (double)x.Data[9]) / 2, y.Data[4], 1e-6);
    }

    [Theory]
    [InlineData(1, PoolKind.Max, new[] { 2, 3, 4, 5 })]
    [InlineData(2, PoolKind.Average, new[] { 2, 3, 4, 5 })]
    [InlineData(3, PoolKind.Average, new[] { 1, 4, 7 })]
    [InlineData(4, PoolKind.Max, new[] { 3, 2, 1, 1 })]
    [InlineData(5, PoolKind.Average, new[] { 1, 2, 2, 3, 2 })]
    public void GlobalPoolReducesEverySpatialAxis(int seed, PoolKind kind, int[] shape)
    {
        var x = Random(seed, shape);
        Check(new GlobalPoolOp(kind), [x], Naive.GlobalPool(N(x), kind == PoolKind.Max));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    public void SoftmaxNormalizesAlongItsAxis(int seed, int axis)
    {
        var x = Random(seed, [2, 3, 4], hi: 5);
        Check(new SoftmaxOp(axis), [x], Naive.Softmax(N(x), axis));
    }

    [Fact]
    public void SoftmaxIsStableForLargeLogits()
    {
        // exp(1000) overflows; the executor must subtract the max first.
        var x = new DnnC.Runtime.HostTensor([1, 3], [1000f, 999f, 998f]);
        var (graph, feeds) = OneOp(new SoftmaxOp(1), [x]);
        var y = DnnC.Compiler.Reference.ReferenceExecutor.RunDouble(graph, feeds)["result"];
        double z = 1 + Math.Exp(-1) + Math.Exp(-2);
        AssertClose([1 / z, Math.Exp(-1) / z, Math.Exp(-2) / z], y, 1e-14, 0, "softmax");
    }
}
