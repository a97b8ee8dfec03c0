using System.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Reference;
using DnnC.Runtime;
using DnnC.Runtime.Plan;
using Xunit.Abstractions;
using static DnnC.Compiler.Tests.Reference.RefHarness;

namespace DnnC.Compiler.Tests.Reference;

public sealed class ConvReferenceTests(ITestOutputHelper output)
{
    public static TheoryData<int, string> Cases()
    {
        // "N C H W | K R S | strideH strideW | padT padL padB padR | dilH dilW | groups | bias"
        string[] cases =
        [
            "1 3 7 5 | 4 3 3 | 1 1 | 1 1 1 1 | 1 1 | 1 | 1",
            "2 4 9 8 | 6 3 2 | 2 2 | 0 0 0 0 | 1 1 | 2 | 0",
            "1 5 11 10 | 5 3 3 | 2 1 | 1 0 2 1 | 2 2 | 5 | 1",
            "1 3 6 7 | 6 2 3 | 1 2 | 2 1 0 1 | 2 1 | 3 | 1",
            "2 6 5 5 | 4 1 1 | 1 1 | 0 0 0 0 | 1 1 | 2 | 1",
            "1 8 13 13 | 16 5 5 | 2 2 | 2 2 2 2 | 1 1 | 4 | 1",
            "1 2 10 9 | 3 3 3 | 3 2 | 0 2 1 0 | 2 3 | 1 | 0",
        ];
        var data = new TheoryData<int, string>();
        foreach (int seed in new[] { 11, 12, 13 })
            foreach (var c in cases) data.Add(seed, c);
        return data;
    }

    private static int[] Ints(string s) => s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Conv2dMatchesDirectLoops(int seed, string spec)
    {
        var p = spec.Split('|').Select(Ints).ToArray();
        int groups = p[5][0];
        bool hasBias = p[6][0] == 1;
        var x = Random(seed, p[0]);
        var w = Random(seed + 100, [p[1][0], p[0][1] / groups, p[1][1], p[1][2]]);
        var b = Random(seed + 200, [p[1][0]]);
        var op = new Conv2dOp(p[2], p[3], p[4], groups, hasBias, EquatableArray<EpilogueStep>.Empty);
        var expected = Naive.Conv2d(N(x), N(w), hasBias ? N(b) : null, p[2], p[3], p[4], groups);
        Check(op, hasBias ? [x, w, b] : [x, w], expected, firstConstant: 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Conv2dEpilogueAppliesStepsInOrderAfterBias(int seed)
    {
        var x = Random(seed, [2, 4, 7, 6]);
        var w = Random(seed + 1, [6, 2, 3, 3]);
        var b = Random(seed + 2, [6]);
        var residual = Random(seed + 3, [2, 6, 3, 3]);
        var scale = Random(seed + 4, [6, 1, 1]);
        EpilogueStep[] steps =
        [
            new ActivationStep(ActivationKind.LeakyRelu, 0.1f),
            new BinaryStep(BinaryKind.Add, 3),
            new BinaryStep(BinaryKind.Sub, 4, RunningOnLeft: false),
            new ActivationStep(ActivationKind.HardSwish),
            new BinaryStep(BinaryKind.Div, 4),
        ];
        var op = new Conv2dOp([2, 2], [1, 1, 0, 0], [1, 1], 2, true, steps);

        var conv = Naive.Conv2d(N(x), N(w), N(b), [2, 2], [1, 1, 0, 0], [1, 1], 2);
        var v = Naive.Map(conv, t => Naive.LeakyRelu(t, 0.1f));
        v = Naive.Binary(v, N(residual), (r, o) => r + o);
        v = Naive.Binary(N(scale), v, (o, r) => o - r);
        v = Naive.Map(v, Naive.HardSwish);
        v = Naive.Binary(v, N(scale), (r, o) => r / o);
        // The scale operand comes from the weight table, the rest are graph inputs: both sources in one node.
        Check(op, [x, w, b, residual, scale], v, firstConstant: 4);
    }

    [Fact]
    public void Conv2dEpilogueCanBroadcastTheRunningValueUp()
    {
        // A [1, K, Ho, Wo] result plus a [3, 1, 1, 1] operand grows to batch 3.
        var x = Random(5, [1, 3, 5, 5]);
        var w = Random(6, [2, 3, 3, 3]);
        var extra = Random(7, [3, 1, 1, 1]);
        var op = new Conv2dOp([1, 1], [0, 0, 0, 0], [1, 1], 1, false, [new BinaryStep(BinaryKind.Mul, 2)]);
        var expected = Naive.Binary(Naive.Conv2d(N(x), N(w), null, [1, 1], [0, 0, 0, 0], [1, 1], 1), N(extra), (a, c) => a * c);
        Assert.Equal([3, 2, 3, 3], expected.Shape);
        Check(op, [x, w, extra], expected);
    }

    [Theory]
    [InlineData(21, 3, 20, 1)]
    [InlineData(22, 3, 9, 2)]
    [InlineData(23, 5, 27, 1)]
    [InlineData(24, 1, 4, 1)]
    public void Conv2dWithFoldedShiftEqualsShiftThenConv(int seed, int kernel, int channels, int stride)
    {
        var x = Random(seed, [2, channels, 6, 7]);
        var w = Random(seed + 1, [5, channels, 1, 1]);
        var b = Random(seed + 2, [5]);
        var op = new Conv2dOp([stride, stride], [0, 0, 0, 0], [1, 1], 1, true, EquatableArray<EpilogueStep>.Empty, InputShift: kernel);
        var expected = Naive.Conv2d(Naive.Shift(N(x), kernel), N(w), N(b), [stride, stride], [0, 0, 0, 0], [1, 1], 1);
        Check(op, [x, w, b], expected, firstConstant: 1);
    }

    [Fact]
    public void LargeConvRunsInAReasonableTime()
    {
        var x = Random(31, [1, 64, 56, 56]);
        var w = Random(32, [64, 64, 3, 3]);
        var b = Random(33, [64]);
        var (graph, feeds) = OneOp(Conv2dOp.Create(pad: 1), [x, w, b], firstConstant: 1);
        var clock = Stopwatch.StartNew();
        var y = ReferenceExecutor.Run(graph, feeds)["result"];
        clock.Stop();
        output.WriteLine($"1x64x56x56 conv 3x3 x64: {clock.ElapsedMilliseconds} ms");
        Assert.Equal([1, 64, 56, 56], y.Shape);

        // Spot-check a few outputs, including borders, against the definition.
        var nx = N(x);
        var nw = N(w);
        foreach (var (oc, oy, ox) in new[] { (0, 0, 0), (17, 55, 3), (63, 28, 55), (40, 30, 31) })
        {
            double sum = b.Data[oc];
            for (int c = 0; c < 64; c++)
            for (int r = 0; r < 3; r++)
            for (int s = 0; s < 3; s++)
            {
                int iy = oy + r - 1, ix = ox + s - 1;
                if (iy >= 0 && iy < 56 && ix >= 0 && ix < 56) sum += nw.At(oc, c, r, s) * nx.At(0, c, iy, ix);
            }
            Assert.Equal(sum, y.Data[(oc * 56 + oy) * 56 + ox], 1e-4);
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }
}
