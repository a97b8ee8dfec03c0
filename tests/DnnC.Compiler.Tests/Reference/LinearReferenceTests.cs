using DnnC.Compiler.IR;
using DnnC.Runtime;
using DnnC.Runtime.Plan;
using static DnnC.Compiler.Tests.Reference.RefHarness;

namespace DnnC.Compiler.Tests.Reference;

public sealed class LinearReferenceTests
{
    [Theory]
    [InlineData(1, new[] { 3, 5 }, 4, true)]
    [InlineData(2, new[] { 2, 3, 7 }, 6, false)]
    [InlineData(3, new[] { 9 }, 1, true)]
    [InlineData(4, new[] { 1, 2, 2, 33 }, 17, true)]
    public void DenseMatchesDirectLoops(int seed, int[] xShape, int outFeatures, bool hasBias)
    {
        var x = Random(seed, xShape);
        var w = Random(seed + 1, [outFeatures, xShape[^1]]);
        var b = Random(seed + 2, [outFeatures]);
        var op = new DenseOp(hasBias, EquatableArray<EpilogueStep>.Empty);
        var expected = Naive.Dense(N(x), N(w), hasBias ? N(b) : null);
        Check(op, hasBias ? [x, w, b] : [x, w], expected, firstConstant: 1);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    public void DenseEpilogueUsesOperandsByNodeInputIndex(int seed)
    {
        var x = Random(seed, [4, 8]);
        var w = Random(seed + 1, [5, 8]);
        var b = Random(seed + 2, [5]);
        var divisor = Random(seed + 3, [4, 1], lo: 0.5);
        var shift = Random(seed + 4, [5]);
        EpilogueStep[] steps =
        [
            new ActivationStep(ActivationKind.Gelu),
            new BinaryStep(BinaryKind.Div, 3, RunningOnLeft: false),
            new BinaryStep(BinaryKind.Sub, 4),
            new ActivationStep(ActivationKind.Tanh),
        ];
        var v = Naive.Map(Naive.Dense(N(x), N(w), N(b)), Naive.Gelu);
        v = Naive.Binary(N(divisor), v, (d, r) => d / r);
        v = Naive.Binary(v, N(shift), (r, s) => r - s);
        v = Naive.Map(v, Math.Tanh);
        Check(new DenseOp(true, steps), [x, w, b, divisor, shift], v);
    }

    [Theory]
    [InlineData(7, new[] { 3, 4 }, new[] { 4, 2 })]
    [InlineData(8, new[] { 2, 1, 3, 4 }, new[] { 5, 4, 6 })]
    [InlineData(9, new[] { 5, 1, 3 }, new[] { 3, 7 })]
    [InlineData(10, new[] { 2, 3, 5 }, new[] { 2, 1, 5, 2 })]
    public void MatMulBroadcastsBatchDimensions(int seed, int[] aShape, int[] bShape)
    {
        var a = Random(seed, aShape);
        var b = Random(seed + 1, bShape);
        Check(new MatMulOp(EquatableArray<EpilogueStep>.Empty), [a, b], Naive.MatMul(N(a), N(b)));
    }

    [Fact]
    public void MatMulEpilogueAddsBiasThenActivates()
    {
        var a = Random(12, [2, 3, 4]);
        var b = Random(13, [4, 6]);
        var bias = Random(14, [6]);
        EpilogueStep[] steps = [new BinaryStep(BinaryKind.Add, 2), new ActivationStep(ActivationKind.Sigmoid)];
        var expected = Naive.Map(Naive.Binary(Naive.MatMul(N(a), N(b)), N(bias), (r, o) => r + o), Naive.Sigmoid);
        Check(new MatMulOp(steps), [a, b, bias], expected, firstConstant: 2);
    }
}
