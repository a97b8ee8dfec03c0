using DnnC.Compiler.IR;
using DnnC.Runtime;
using DnnC.Runtime.Plan;
using static DnnC.Compiler.Tests.Reference.RefHarness;

namespace DnnC.Compiler.Tests.Reference;

public sealed class ElementwiseReferenceTests
{
    public static TheoryData<ActivationKind, float, float, int> Activations()
    {
        var data = new TheoryData<ActivationKind, float, float, int>();
        foreach (int seed in new[] { 1, 2, 3 })
        {
            data.Add(ActivationKind.Relu, 0, 0, seed);
            data.Add(ActivationKind.Relu6, 0, 0, seed);
            data.Add(ActivationKind.LeakyRelu, 0.01f, 0, seed);
            data.Add(ActivationKind.LeakyRelu, 0.3f, 0, seed);
            data.Add(ActivationKind.Sigmoid, 0, 0, seed);
            data.Add(ActivationKind.Tanh, 0, 0, seed);
            data.Add(ActivationKind.HardSigmoid, 0.2f, 0.5f, seed);
            data.Add(ActivationKind.HardSigmoid, 1 / 6f, 0.5f, seed);
            data.Add(ActivationKind.HardSwish, 0, 0, seed);
            data.Add(ActivationKind.Gelu, 0, 0, seed);
            data.Add(ActivationKind.Clip, -1.5f, 2.25f, seed);
        }
        return data;
    }

    private static Func<double, double> Formula(ActivationKind kind, double alpha, double beta) => kind switch
    {
        ActivationKind.Relu => Naive.Relu,
        ActivationKind.Relu6 => Naive.Relu6,
        ActivationKind.LeakyRelu => v => Naive.LeakyRelu(v, alpha),
        ActivationKind.Sigmoid => Naive.Sigmoid,
        ActivationKind.Tanh => Math.Tanh,
        ActivationKind.HardSigmoid => v => Naive.HardSigmoid(v, alpha, beta),
        ActivationKind.HardSwish => Naive.HardSwish,
        ActivationKind.Gelu => Naive.Gelu,
        ActivationKind.Clip => v => Naive.Clip(v, alpha, beta),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Activations))]
    public void ActivationMatchesItsFormula(ActivationKind kind, float alpha, float beta, int seed)
    {
        // ±[0.05, 8] covers both sides of every kink (0, ±3, 6) and the saturated regions.
        var x = Random(seed, [2, 3, 5, 7], lo: 0.05, hi: 8);
        Check(new ActivationOp(kind, alpha, beta), [x], Naive.Map(N(x), Formula(kind, alpha, beta)));
    }

    public static TheoryData<BinaryKind, int[], int[], int> Binaries()
    {
        var shapes = new (int[] A, int[] B)[]
        {
            ([2, 3, 4], [2, 3, 4]),
            ([2, 3, 4], [4]),
            ([2, 3, 4], [3, 1]),
            ([3, 1], [1, 3, 1, 4]),
            ([1], [5, 2]),
            ([2, 1, 3], [1, 4, 1]),
        };
        var data = new TheoryData<BinaryKind, int[], int[], int>();
        foreach (var kind in Enum.GetValues<BinaryKind>())
            for (int i = 0; i < shapes.Length; i++)
                data.Add(kind, shapes[i].A, shapes[i].B, 40 + i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public void BinaryBroadcastsLikeNumpy(BinaryKind kind, int[] aShape, int[] bShape, int seed)
    {
        var a = Random(seed, aShape);
        var b = Random(seed + 1, bShape, lo: 0.25);
        Func<double, double, double> f = kind switch
        {
            BinaryKind.Add => (p, q) => p + q,
            BinaryKind.Sub => (p, q) => p - q,
            BinaryKind.Mul => (p, q) => p * q,
            _ => (p, q) => p / q,
        };
        Check(new BinaryOp(kind), [a, b], Naive.Binary(N(a), N(b), f));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void PointwiseChainsStepsOnInputZero(int seed)
    {
        var head = Random(seed, [2, 3, 4, 5]);
        var perChannel = Random(seed + 1, [3, 1, 1]);
        var perColumn = Random(seed + 2, [5], lo: 0.5);
        EpilogueStep[] steps =
        [
            new BinaryStep(BinaryKind.Add, 1),
            new ActivationStep(ActivationKind.Relu),
            new BinaryStep(BinaryKind.Sub, 2, RunningOnLeft: false),
            new BinaryStep(BinaryKind.Mul, 1),
            new BinaryStep(BinaryKind.Div, 2),
            new ActivationStep(ActivationKind.Clip, -0.5f, 0.75f),
        ];
        var v = Naive.Binary(N(head), N(perChannel), (r, o) => r + o);
        v = Naive.Map(v, Naive.Relu);
        v = Naive.Binary(N(perColumn), v, (o, r) => o - r);
        v = Naive.Binary(v, N(perChannel), (r, o) => r * o);
        v = Naive.Binary(v, N(perColumn), (r, o) => r / o);
        v = Naive.Map(v, t => Naive.Clip(t, -0.5, 0.75));
        Check(new PointwiseOp(steps), [head, perChannel, perColumn], v);
    }

    [Fact]
    public void PointwiseRunningValueGrowsByBroadcasting()
    {
        var head = Random(4, [3, 1]);
        var wide = Random(5, [2, 3, 4]);
        EpilogueStep[] steps = [new BinaryStep(BinaryKind.Sub, 1), new ActivationStep(ActivationKind.Sigmoid)];
        var expected = Naive.Map(Naive.Binary(N(head), N(wide), (r, o) => r - o), Naive.Sigmoid);
        Assert.Equal([2, 3, 4], expected.Shape);
        Check(new PointwiseOp(steps), [head, wide], expected);
    }

    [Fact]
    public void PointwiseWithoutStepsIsIdentity()
    {
        var x = Random(6, [4, 3]);
        Check(new PointwiseOp(EquatableArray<EpilogueStep>.Empty), [x], N(x));
    }

    [Theory]
    [InlineData(1, new[] { 2, 3, 4, 5 }, 1e-5f)]
    [InlineData(2, new[] { 4, 3 }, 1e-3f)]
    [InlineData(3, new[] { 1, 7, 3 }, 0.1f)]
    public void BatchNormNormalizesPerChannel(int seed, int[] shape, float epsilon)
    {
        int c = shape[1];
        var x = Random(seed, shape, hi: 3);
        var scale = Random(seed + 1, [c]);
        var bias = Random(seed + 2, [c]);
        var mean = Random(seed + 3, [c]);
        var variance = Random(seed + 4, [c], lo: 0.05, hi: 2, positive: true);
        var expected = Naive.BatchNorm(N(x), N(scale), N(bias), N(mean), N(variance), epsilon);
        Check(new BatchNormOp(epsilon), [x, scale, bias, mean, variance], expected, firstConstant: 1);
    }

    [Theory]
    [InlineData(1, 3, 20)]
    [InlineData(2, 3, 9)]
    [InlineData(3, 5, 27)]
    [InlineData(4, 3, 7)]
    [InlineData(5, 1, 3)]
    public void ShiftMovesEachChannelByItsOffset(int seed, int kernel, int channels)
    {
        var x = Random(seed, [2, channels, 5, 6]);
        Check(new ShiftOp(kernel), [x], Naive.Shift(N(x), kernel));
    }

    [Fact]
    public void ShiftOffsetsFollowThePaper()
    {
        // Pinned by hand from REFERENCE.md §5 for k = 3: channel c moves by ((c/3)%3 − 1, c%3 − 1).
        var x = Random(9, [1, 10, 3, 3]);
        var (graph, feeds) = OneOp(new ShiftOp(3), [x]);
        var y = DnnC.Compiler.Reference.ReferenceExecutor.Run(graph, feeds)["result"];
        // Channel 0: (dh, dw) = (−1, −1), so out[1,1] = in[0,0] and row 0 / column 0 read zero.
        Assert.Equal(x.Data[0], y.Data[4]);
        Assert.Equal(0f, y.Data[0]);
        // Channel 5: (dh, dw) = (0, 1), so out[1,1] = in[1,2].
        Assert.Equal(x.Data[5 * 9 + 5], y.Data[5 * 9 + 4]);
        // Channel 9 ≥ floor(10/9)·9 stays in place.
        Assert.Equal(x.Data.Skip(81).ToArray(), y.Data.Skip(81).ToArray());
    }
}
