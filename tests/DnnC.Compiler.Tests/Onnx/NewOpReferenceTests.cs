using DnnC.Compiler.IR;
using DnnC.Compiler.Tests.Reference;
using DnnC.Runtime;
using DnnC.Runtime.Plan;
using static DnnC.Compiler.Tests.Reference.RefHarness;

namespace DnnC.Compiler.Tests.Onnx;

/// <summary>
/// The IR ops added for ONNX, run by the reference executor on seeded random inputs and compared
/// with plain float64 loops written here from the ONNX definitions.
/// </summary>
public class NewOpReferenceTests
{
    private static NTensor Each(int[] shape, Func<int[], double> f)
    {
        var y = new double[NTensor.Size(shape)];
        for (int i = 0; i < y.Length; i++) y[i] = f(NTensor.Unflatten(i, shape));
        return new NTensor(shape, y);
    }

    /// <summary>erf by Simpson's rule on 2/√π·exp(−t²): independent of the series the executor uses.</summary>
    private static double ErfBySimpson(double x)
    {
        const int steps = 2000;
        double h = x / steps, sum = 0;
        for (int i = 0; i <= steps; i++)
        {
            double t = i * h, weight = i == 0 || i == steps ? 1 : i % 2 == 1 ? 4 : 2;
            sum += weight * Math.Exp(-t * t);
        }
        return 2 / Math.Sqrt(Math.PI) * sum * h / 3;
    }

    public static TheoryData<UnaryKind> UnaryKinds() => new(Enum.GetValues<UnaryKind>());

    [Theory]
    [MemberData(nameof(UnaryKinds))]
    public void UnaryMatchesDefinition(UnaryKind kind)
    {
        var x = kind switch
        {
            UnaryKind.Log or UnaryKind.Sqrt => Random(1, [2, 3, 4], 0.1, 3, positive: true),
            UnaryKind.Acosh => Map(Random(1, [2, 3, 4], 0.1, 3, positive: true), v => v + 1),
            UnaryKind.Asin or UnaryKind.Acos or UnaryKind.Atanh => Random(1, [2, 3, 4], 0.05, 0.95),
            _ => Random(1, [2, 3, 4], 0.1, 3),
        };
        // The op stores float32 attributes; the expectation uses the same rounded values.
        const double alpha = 0.7f, gamma = 1.3f;
        Func<double, double> f = kind switch
        {
            UnaryKind.Exp => Math.Exp, UnaryKind.Log => Math.Log, UnaryKind.Sqrt => Math.Sqrt,
            UnaryKind.Reciprocal => v => 1 / v, UnaryKind.Neg => v => -v, UnaryKind.Abs => Math.Abs,
            UnaryKind.Floor => Math.Floor, UnaryKind.Ceil => Math.Ceiling,
            UnaryKind.Round => v => Math.Round(v, MidpointRounding.ToEven), UnaryKind.Trunc => Math.Truncate,
            UnaryKind.Sign => v => Math.Sign(v), UnaryKind.Erf => ErfBySimpson,
            UnaryKind.Softplus => v => Math.Log(Math.Exp(v) + 1), UnaryKind.Softsign => v => v / (Math.Abs(v) + 1),
            UnaryKind.Elu => v => v < 0 ? alpha * (Math.Exp(v) - 1) : v,
            UnaryKind.Selu => v => v <= 0 ? gamma * alpha * (Math.Exp(v) - 1) : gamma * v,
            UnaryKind.Celu => v => Math.Max(0, v) + Math.Min(0, alpha * (Math.Exp(v / alpha) - 1)),
            UnaryKind.GeluTanh => v => v / 2 * (1 + Math.Tanh(0.7978845608028654 * (v + 0.044715 * v * v * v))),
            UnaryKind.ThresholdedRelu => v => v > alpha ? v : 0, UnaryKind.Not => v => v == 0 ? 1 : 0,
            UnaryKind.Sin => Math.Sin, UnaryKind.Cos => Math.Cos, UnaryKind.Tan => Math.Tan, UnaryKind.Asin => Math.Asin,
            UnaryKind.Acos => Math.Acos, UnaryKind.Atan => Math.Atan, UnaryKind.Sinh => Math.Sinh, UnaryKind.Cosh => Math.Cosh,
            UnaryKind.Asinh => Math.Asinh, UnaryKind.Acosh => Math.Acosh, UnaryKind.Atanh => Math.Atanh,
            UnaryKind.Mish => v => v * Math.Tanh(Math.Log(1 + Math.Exp(v))),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var expected = Naive.Map(N(x), f);
        if (kind == UnaryKind.Erf)
        {
            var (graph, feeds) = OneOp(new UnaryMathOp(kind), [x]);
            AssertClose(expected.Data, Compiler.Reference.ReferenceExecutor.RunDouble(graph, feeds)["result"], 1e-9, 1e-9, "erf");
            return;
        }
        Check(new UnaryMathOp(kind, (float)alpha, (float)gamma), [x], expected);
    }

    private static HostTensor Map(HostTensor t, Func<float, float> f) => new(t.Shape, t.Data.Select(f).ToArray());

    /// <summary>Values rounded to one decimal so that comparisons meet ties.</summary>
    private static HostTensor Coarse(int seed, int[] shape) => Map(Random(seed, shape, 0.1, 2), v => MathF.Round(v * 5) / 5);

    public static TheoryData<MathBinaryKind> BinaryKinds() => new(Enum.GetValues<MathBinaryKind>());

    [Theory]
    [MemberData(nameof(BinaryKinds))]
    public void BinaryBroadcastsAndMatchesDefinition(MathBinaryKind kind)
    {
        var a = kind == MathBinaryKind.Pow ? Random(2, [2, 1, 4], 0.2, 2, positive: true) : Coarse(2, [2, 1, 4]);
        var b = Coarse(3, [3, 1]);
        if (kind is MathBinaryKind.ModFloor or MathBinaryKind.ModTrunc) b = Map(b, v => v == 0 ? 0.6f : v);
        Func<double, double, double> f = kind switch
        {
            MathBinaryKind.Pow => Math.Pow, MathBinaryKind.Max => Math.Max, MathBinaryKind.Min => Math.Min,
            MathBinaryKind.ModFloor => (p, q) => p - q * Math.Floor(p / q),
            MathBinaryKind.ModTrunc => (p, q) => p - q * Math.Truncate(p / q),
            MathBinaryKind.PRelu => (p, q) => p < 0 ? p * q : p,
            MathBinaryKind.Equal => (p, q) => p == q ? 1 : 0, MathBinaryKind.NotEqual => (p, q) => p == q ? 0 : 1,
            MathBinaryKind.Greater => (p, q) => p > q ? 1 : 0, MathBinaryKind.GreaterOrEqual => (p, q) => p < q ? 0 : 1,
            MathBinaryKind.Less => (p, q) => p < q ? 1 : 0, MathBinaryKind.LessOrEqual => (p, q) => p > q ? 0 : 1,
            MathBinaryKind.And => (p, q) => p != 0 && q != 0 ? 1 : 0, MathBinaryKind.Or => (p, q) => p == 0 && q == 0 ? 0 : 1,
            MathBinaryKind.Xor => (p, q) => (p != 0 ? 1 : 0) + (q != 0 ? 1 : 0) == 1 ? 1 : 0,
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var (graph, feeds) = OneOp(new MathBinaryOp(kind), [a, b]);
        var actual = Compiler.Reference.ReferenceExecutor.RunDouble(graph, feeds)["result"];
        // Mod of float32-rounded operands: compare in float64 with a tolerance for the division.
        AssertClose(Naive.Binary(N(a), N(b), f).Data, actual, 1e-12, 1e-12, kind.ToString());
    }

    [Fact]
    public void WhereSelectsWithBroadcasting()
    {
        var condition = Map(Coarse(4, [3, 1]), v => v > 0 ? 1 : 0);
        var x = Random(5, [2, 1, 4]);
        var y = Random(6, [4]);
        var expected = Each([2, 3, 4], i => N(condition).AtBroadcast(i) != 0 ? N(x).AtBroadcast(i) : N(y).AtBroadcast(i));
        Check(new WhereOp(), [condition, x, y], expected);
    }

    public static TheoryData<ReduceKind, int[], bool> Reductions()
    {
        var data = new TheoryData<ReduceKind, int[], bool>();
        foreach (var kind in Enum.GetValues<ReduceKind>())
        {
            data.Add(kind, [1], true);
            data.Add(kind, [0, 2], false);
            data.Add(kind, [0, 1, 2], false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Reductions))]
    public void ReduceMatchesDefinition(ReduceKind kind, int[] axes, bool keepDims)
    {
        bool positive = kind is ReduceKind.LogSum or ReduceKind.Prod;
        var x = Random(7, [2, 3, 4], 0.5, 1.5, positive);
        int[] kept = [.. Enumerable.Range(0, 3).Select(a => axes.Contains(a) ? 1 : x.Shape[a])];
        var groups = new Dictionary<int, List<double>>();
        for (int i = 0; i < x.Length; i++)
        {
            var index = NTensor.Unflatten(i, x.Shape);
            int key = NTensor.Flatten(index.Select((v, a) => axes.Contains(a) ? 0 : v).ToArray(), kept);
            (groups.TryGetValue(key, out var list) ? list : groups[key] = new()).Add(x.Data[i]);
        }
        var values = Enumerable.Range(0, NTensor.Size(kept)).Select(k => groups[k]).Select(g => kind switch
        {
            ReduceKind.Sum => g.Sum(), ReduceKind.Mean => g.Average(), ReduceKind.Max => g.Max(), ReduceKind.Min => g.Min(),
            ReduceKind.Prod => g.Aggregate(1.0, (p, v) => p * v), ReduceKind.L1 => g.Sum(Math.Abs),
            ReduceKind.L2 => Math.Sqrt(g.Sum(v => v * v)), ReduceKind.SumSquare => g.Sum(v => v * v),
            ReduceKind.LogSum => Math.Log(g.Sum()), ReduceKind.LogSumExp => Math.Log(g.Sum(Math.Exp)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        }).ToArray();
        int[] shape = keepDims ? kept : [.. Enumerable.Range(0, 3).Where(a => !axes.Contains(a)).Select(a => x.Shape[a])];
        Check(new ReduceOp(kind, axes, keepDims), [x], new NTensor(shape, values));
    }

    [Fact]
    public void SliceWithNegativeStepsMatchesDefinition()
    {
        var x = Random(8, [4, 5, 6]);
        var op = new SliceOp([3, 1, 5], [-1, 2, -2], [4, 2, 3]);
        var expected = Each([4, 2, 3], i => N(x).At(3 - i[0], 1 + 2 * i[1], 5 - 2 * i[2]));
        Check(op, [x], expected);
    }

    [Fact]
    public void GatherPicksAlongTheAxis()
    {
        var x = Random(9, [3, 5, 2]);
        var indices = new HostTensor([2, 2], [4, -1, 0, 2]);
        var expected = Each([3, 2, 2, 2], i =>
        {
            int index = (int)indices.Data[i[1] * 2 + i[2]];
            return N(x).At(i[0], index < 0 ? index + 5 : index, i[3]);
        });
        Check(new GatherOp(1), [x, indices], expected, firstConstant: 1);
    }

    [Theory]
    [InlineData(PadMode.Constant)]
    [InlineData(PadMode.Reflect)]
    [InlineData(PadMode.Edge)]
    [InlineData(PadMode.Wrap)]
    public void PadMatchesNumpyAxisByAxis(PadMode mode)
    {
        var x = Random(10, [2, 3, 4]);
        int[] pads = mode == PadMode.Constant ? [1, -1, 2, 0, 2, 1] : [1, 2, 3, 1, 0, 2];
        // numpy pads one axis at a time; for the modes here that composes to the same result.
        var current = N(x);
        for (int axis = 0; axis < 3; axis++) current = PadAxis(current, axis, pads[axis], pads[axis + 3], mode, 0.25);
        Check(new PadOp(mode, pads, 0.25f), [x], current);
    }

    private static NTensor PadAxis(NTensor x, int axis, int before, int after, PadMode mode, double value)
    {
        int length = x.Shape[axis];
        var shape = (int[])x.Shape.Clone();
        shape[axis] = length + before + after;
        return Each(shape, index =>
        {
            int i = index[axis] - before;
            if (i < 0 || i >= length)
            {
                if (mode == PadMode.Constant) return value;
                i = mode switch
                {
                    PadMode.Edge => i < 0 ? 0 : length - 1,
                    PadMode.Wrap => i < 0 ? i + length : i - length,
                    _ => i < 0 ? -i : 2 * (length - 1) - i,
                };
            }
            var source = (int[])index.Clone();
            source[axis] = i;
            return x.At(source);
        });
    }

    [Fact]
    public void ExpandAndTileRepeatData()
    {
        var x = Random(11, [3, 1]);
        Check(new ExpandOp([2, 3, 4]), [x], Each([2, 3, 4], i => N(x).At(i[1], 0)));
        var t = Random(12, [2, 3]);
        Check(new TileOp([2, 3]), [t], Each([4, 9], i => N(t).At(i[0] % 2, i[1] % 3)));
    }

    [Fact]
    public void InstanceNormMatchesDefinition()
    {
        var x = Random(13, [2, 3, 4, 5]);
        var scale = Random(14, [3]);
        var bias = Random(15, [3]);
        var expected = Each([2, 3, 4, 5], i =>
        {
            var plane = Enumerable.Range(0, 20).Select(k => N(x).At(i[0], i[1], k / 5, k % 5)).ToArray();
            double mean = plane.Average(), variance = plane.Select(v => (v - mean) * (v - mean)).Average();
            return (N(x).At(i) - mean) / Math.Sqrt(variance + (double)1e-3f) * scale.Data[i[1]] + bias.Data[i[1]];
        });
        Check(new InstanceNormOp(1e-3f), [x, scale, bias], expected, firstConstant: 1);
    }

    [Fact]
    public void LayerNormMatchesDefinition()
    {
        var x = Random(16, [2, 3, 4]);
        var scale = Random(17, [3, 4]);
        var bias = Random(18, [4]);
        var expected = Each([2, 3, 4], i =>
        {
            var row = Enumerable.Range(0, 12).Select(k => N(x).At(i[0], k / 4, k % 4)).ToArray();
            double mean = row.Average(), variance = row.Select(v => (v - mean) * (v - mean)).Average();
            return (N(x).At(i) - mean) / Math.Sqrt(variance + (double)1e-5f) * N(scale).At(i[1], i[2]) + bias.Data[i[2]];
        });
        Check(new LayerNormOp(1, 1e-5f), [x, scale, bias], expected, firstConstant: 1);
    }

    [Fact]
    public void LrnMatchesDefinition()
    {
        var x = Random(19, [1, 6, 3, 3]);
        const int size = 4;
        var expected = Each([1, 6, 3, 3], i =>
        {
            double squares = 0;
            for (int c = i[1] - 1; c <= i[1] + 2; c++)
                if (c >= 0 && c < 6) squares += Math.Pow(N(x).At(0, c, i[2], i[3]), 2);
            return N(x).At(i) / Math.Pow(1.5 + (double)0.3f / size * squares, 0.75);
        });
        Check(new LrnOp(size, 0.3f, 0.75f, 1.5f), [x], expected);
    }

    [Fact]
    public void LogSoftmaxMatchesDefinition()
    {
        var x = Random(20, [2, 5, 3], 1, 4);
        var expected = Each([2, 5, 3], i =>
            N(x).At(i) - Math.Log(Enumerable.Range(0, 5).Sum(k => Math.Exp(N(x).At(i[0], k, i[2])))));
        Check(new LogSoftmaxOp(1), [x], expected);
    }

    [Theory]
    [InlineData(1, 1, 1, 0, 0, 1)]
    [InlineData(2, 2, 1, 1, 1, 1)]
    [InlineData(2, 1, 2, 0, 1, 2)]
    public void ConvTransposeMatchesGatherFormulation(int stride, int pad, int dilation, int outPad, int padEnd, int groups)
    {
        var x = Random(21, [1, 4, 3, 4]);
        var w = Random(22, [4, 3, 3, 2]);
        var bias = Random(23, [3 * groups]);
        int[] pads = [pad, 0, padEnd, pad];
        var op = new ConvTransposeOp([stride, stride], pads, [dilation, dilation], [outPad, 0], groups, true);
        int cout = 3 * groups, cinPerGroup = 4 / groups;
        int ho = stride * 2 + outPad + 2 * dilation + 1 - pads[0] - pads[2];
        int wo = stride * 3 + 1 * dilation + 1 - pads[1] - pads[3];
        var expected = Each([1, cout, ho, wo], i =>
        {
            int oc = i[1], g = oc / 3;
            double sum = bias.Data[oc];
            for (int icg = 0; icg < cinPerGroup; icg++)
            for (int iy = 0; iy < 3; iy++)
            for (int ix = 0; ix < 4; ix++)
            for (int kr = 0; kr < 3; kr++)
            for (int ks = 0; ks < 2; ks++)
            {
                if (iy * stride + kr * dilation - pads[0] != i[2] || ix * stride + ks * dilation - pads[1] != i[3]) continue;
                int ic = g * cinPerGroup + icg;
                sum += N(x).At(0, ic, iy, ix) * N(w).At(ic, oc % 3, kr, ks);
            }
            return sum;
        });
        Check(op, [x, w, bias], expected, firstConstant: 1);
    }

    [Theory]
    [InlineData(PoolKind.Max, false, false)]
    [InlineData(PoolKind.Average, false, true)]
    [InlineData(PoolKind.Average, true, false)]
    [InlineData(PoolKind.Max, true, true)]
    public void DilatedPoolMatchesDefinition(PoolKind kind, bool includePad, bool ceil)
    {
        var x = Random(24, [1, 2, 7, 8]);
        int[] kernel = [2, 3], strides = [2, 2], pads = [1, 0, 1, 1], dilations = [2, 2];
        var op = new DilatedPoolOp(kind, kernel, strides, pads, dilations, includePad, ceil);
        var type = op.Infer([TensorType.F32(x.Shape)]).Type!;
        var expected = Each(type.Dims, i =>
        {
            var taps = new List<double>();
            int padded = 0;
            for (int kr = 0; kr < 2; kr++)
            for (int ks = 0; ks < 3; ks++)
            {
                int iy = i[2] * 2 - 1 + kr * 2, ix = i[3] * 2 + ks * 2;
                if (iy < 7 + 1 && ix < 8 + 1) padded++;
                if (iy >= 0 && iy < 7 && ix >= 0 && ix < 8) taps.Add(N(x).At(i[0], i[1], iy, ix));
            }
            return kind == PoolKind.Max ? taps.Max() : taps.Sum() / (includePad ? padded : taps.Count);
        });
        Check(op, [x], expected);
    }
}
