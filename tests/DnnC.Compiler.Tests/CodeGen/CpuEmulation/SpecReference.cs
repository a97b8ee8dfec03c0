using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Tests.CodeGen.CpuEmulation;

/// <summary>
/// Float64 definitions of what each spec computes, written from the spec documentation and
/// independent of the templates: the oracle for the emulated kernels.
/// </summary>
internal static class SpecReference
{
    /// <summary>Output shape of a spec; <paramref name="planShape"/> is the plan's for GEMM.</summary>
    public static int[] OutputShape(KernelSpec spec, IReadOnlyList<int> planShape) => spec switch
    {
        ConvSpec c => [c.N, c.K, c.Ho, c.Wo],
        GemmSpec => [.. planShape],
        PoolSpec p => [p.N, p.C, p.Ho, p.Wo],
        GlobalPoolSpec g => [g.Rows],
        PointwiseSpec p => [.. p.Shape],
        SoftmaxSpec s => [s.Outer, s.Axis, s.Inner],
        TransposeSpec t => [.. t.Perm.Select(p => t.InputShape[p])],
        ConcatSpec c => [c.Outer, c.AxisSizes.Sum(), c.Inner],
        ShiftSpec s => [s.N, s.C, s.H, s.W],
        _ => throw new ArgumentException(spec.GetType().Name),
    };

    /// <summary>Element counts of the inputs (kernel arguments 1..).</summary>
    public static long[] InputSizes(KernelSpec spec, int[] outShape, int inputCount)
    {
        var sizes = new long[inputCount];
        var fixedSizes = spec switch
        {
            ConvSpec c => [(long)c.N * c.C * c.H * c.W, (long)c.K * (c.C / c.Groups) * c.R * c.S, c.K],
            GemmSpec g => new[]
            {
                (long)(g.Batch - 1) * g.BatchStrideA + (long)g.M * g.K,
                (long)(g.Batch - 1) * g.BatchStrideB + (long)g.K * g.N, g.N,
            },
            PoolSpec p => [(long)p.N * p.C * p.H * p.W],
            GlobalPoolSpec g => [(long)g.Rows * g.Spatial],
            SoftmaxSpec s => [(long)s.Outer * s.Axis * s.Inner],
            TransposeSpec t => [HostTensor.ElementCount(t.InputShape)],
            ConcatSpec c => c.AxisSizes.Select(a => (long)c.Outer * a * c.Inner).ToArray(),
            ShiftSpec s => [(long)s.N * s.C * s.H * s.W],
            _ => Array.Empty<long>(),
        };
        for (int i = 0; i < inputCount; i++) sizes[i] = i < fixedSizes.Length ? fixedSizes[i] : 1;
        foreach (var operand in Operands(spec))
            sizes[operand.Arg - 1] = operand.Strides.Select((s, d) => s * (outShape[d] - 1)).Sum() + 1;
        return sizes;
    }

    private static IReadOnlyList<PlanOperand> Operands(KernelSpec spec) => spec switch
    {
        ConvSpec c => c.Operands,
        GemmSpec g => g.Operands,
        PointwiseSpec p => p.Operands,
        _ => [],
    };

    public static double[] Compute(KernelSpec spec, int[] outShape, float[][] inputs)
    {
        long total = HostTensor.ElementCount(outShape);
        var output = new double[total];
        for (long o = 0; o < total; o++)
        {
            int[] index = Unflatten(o, outShape);
            output[o] = spec switch
            {
                ConvSpec c => Epilogue(Conv(c, inputs, index), c.Epilogue, c.Operands, index, inputs),
                GemmSpec g => Epilogue(Gemm(g, inputs, o), g.Epilogue, g.Operands, index, inputs),
                PoolSpec p => Pool(p, inputs[0], index),
                GlobalPoolSpec g => GlobalPool(g, inputs[0], index[0]),
                PointwiseSpec p => Epilogue(Read(p.Operands[0], index, inputs), p.Steps, p.Operands, index, inputs),
                SoftmaxSpec s => Softmax(s, inputs[0], index),
                TransposeSpec t => Transpose(t, inputs[0], index),
                ConcatSpec c => Concat(c, inputs, index),
                ShiftSpec s => Shift(s, inputs[0], index),
                _ => throw new ArgumentException(spec.GetType().Name),
            };
        }
        return output;
    }

    private static int[] Unflatten(long flat, int[] shape)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = (int)(flat % shape[d]);
            flat /= shape[d];
        }
        return index;
    }

    private static double Read(PlanOperand operand, int[] index, float[][] inputs)
    {
        long offset = 0;
        for (int d = 0; d < index.Length; d++) offset += index[d] * operand.Strides[d];
        return inputs[operand.Arg - 1][offset];
    }

    private static double Epilogue(double v, IReadOnlyList<EpilogueStep> steps, IReadOnlyList<PlanOperand> operands, int[] index, float[][] inputs)
    {
        foreach (var step in steps)
        {
            v = step switch
            {
                ActivationStep a => ElementwiseMath.Activation(a.Kind, a.Alpha, a.Beta, v),
                BinaryStep { RunningOnLeft: true } b => ElementwiseMath.Binary(b.Kind, v, Read(operands[b.Operand], index, inputs)),
                BinaryStep b => ElementwiseMath.Binary(b.Kind, Read(operands[b.Operand], index, inputs), v),
                _ => throw new ArgumentException(step.GetType().Name),
            };
        }
        return v;
    }

    private static double Conv(ConvSpec c, float[][] inputs, int[] o)
    {
        int n = o[0], k = o[1], ho = o[2], wo = o[3];
        int cg = c.C / c.Groups, group = k / (c.K / c.Groups);
        double sum = c.HasBias ? inputs[2][k] : 0;
        for (int ci = 0; ci < cg; ci++)
        {
            int channel = group * cg + ci;
            for (int r = 0; r < c.R; r++)
                for (int s = 0; s < c.S; s++)
                {
                    int h = ho * c.StrideH - c.PadTop + r * c.DilationH;
                    int w = wo * c.StrideW - c.PadLeft + s * c.DilationW;
                    double x = ShiftedInput(c, inputs[0], n, channel, h, w);
                    sum += x * inputs[1][((k * cg + ci) * c.R + r) * c.S + s];
                }
        }
        return sum;
    }

    /// <summary>x[n, c, h, w] of the (possibly shifted) input, zero outside the image.</summary>
    private static double ShiftedInput(ConvSpec c, float[] x, int n, int channel, int h, int w)
    {
        if (h < 0 || h >= c.H || w < 0 || w >= c.W) return 0;
        if (c.InputShift > 0)
        {
            var (dh, dw) = ShiftSpec.Offset(channel, c.C, c.InputShift);
            h += dh;
            w += dw;
            if (h < 0 || h >= c.H || w < 0 || w >= c.W) return 0;
        }
        return x[(((long)n * c.C + channel) * c.H + h) * c.W + w];
    }

    private static double Gemm(GemmSpec g, float[][] inputs, long flat)
    {
        int n = (int)(flat % g.N), m = (int)(flat / g.N % g.M), b = (int)(flat / ((long)g.N * g.M));
        double sum = g.HasBias ? inputs[2][n] : 0;
        for (int k = 0; k < g.K; k++)
        {
            double a = inputs[0][b * g.BatchStrideA + (long)m * g.K + k];
            double bv = g.BTransposed ? inputs[1][b * g.BatchStrideB + (long)n * g.K + k] : inputs[1][b * g.BatchStrideB + (long)k * g.N + n];
            sum += a * bv;
        }
        return sum;
    }

    private static double Pool(PoolSpec p, float[] x, int[] o)
    {
        double max = double.NegativeInfinity, sum = 0;
        int count = 0;
        for (int r = 0; r < p.KernelH; r++)
            for (int s = 0; s < p.KernelW; s++)
            {
                int h = o[2] * p.StrideH - p.PadTop + r, w = o[3] * p.StrideW - p.PadLeft + s;
                if (h < 0 || h >= p.H || w < 0 || w >= p.W) continue;
                double v = x[(((long)o[0] * p.C + o[1]) * p.H + h) * p.W + w];
                max = Math.Max(max, v);
                sum += v;
                count++;
            }
        if (p.Kind == PoolKind.Max) return max;
        return sum / (p.CountIncludePad ? p.KernelH * p.KernelW : count);
    }

    private static double GlobalPool(GlobalPoolSpec g, float[] x, int row)
    {
        var values = Enumerable.Range(0, g.Spatial).Select(s => (double)x[(long)row * g.Spatial + s]);
        return g.Kind == PoolKind.Max ? values.Max() : values.Average();
    }

    private static double Softmax(SoftmaxSpec s, float[] x, int[] o)
    {
        double At(int a) => x[((long)o[0] * s.Axis + a) * s.Inner + o[2]];
        double max = Enumerable.Range(0, s.Axis).Max(At);
        double sum = Enumerable.Range(0, s.Axis).Sum(a => Math.Exp(At(a) - max));
        return Math.Exp(At(o[1]) - max) / sum;
    }

    private static double Transpose(TransposeSpec t, float[] x, int[] o)
    {
        var input = new int[o.Length];
        for (int i = 0; i < o.Length; i++) input[t.Perm[i]] = o[i];
        long flat = 0;
        for (int d = 0; d < input.Length; d++) flat = flat * t.InputShape[d] + input[d];
        return x[flat];
    }

    private static double Concat(ConcatSpec c, float[][] inputs, int[] o)
    {
        int a = o[1];
        for (int i = 0; ; i++)
        {
            if (a < c.AxisSizes[i]) return inputs[i][((long)o[0] * c.AxisSizes[i] + a) * c.Inner + o[2]];
            a -= c.AxisSizes[i];
        }
    }

    private static double Shift(ShiftSpec s, float[] x, int[] o)
    {
        var (dh, dw) = ShiftSpec.Offset(o[1], s.C, s.Kernel);
        int h = o[2] + dh, w = o[3] + dw;
        if (h < 0 || h >= s.H || w < 0 || w >= s.W) return 0;
        return x[(((long)o[0] * s.C + o[1]) * s.H + h) * s.W + w];
    }
}
