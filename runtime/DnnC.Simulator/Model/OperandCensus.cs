using DnnC.Runtime.Plan;
using DnnC.Simulator.Execution;

namespace DnnC.Simulator.Model;

/// <summary>
/// Counts the zero operand pairs a GEMM-shaped kernel will meet, exactly and without visiting every
/// MAC: for C = A·B the pairs with A[m,k] = 0 number Σ_k zA(k)·N, those with B[k,n] = 0 number
/// Σ_k M·zB(k), and those with both Σ_k zA(k)·zB(k), where zA(k) counts zeros in column k of A and
/// zB(k) zeros in row k of B. For a conv, B is the implicit im2col matrix, so padding taps count as
/// zero activations (the array would issue them).
/// </summary>
internal static class OperandCensus
{
    public static KernelCensus Take(KernelPlan plan, PlanKernel kernel, KernelContext context)
    {
        long inputs = kernel.Args.Skip(1).Sum(id => plan.Value(id).ElementCount);
        long output = plan.Value(kernel.Args[0]).ElementCount;
        return kernel.Spec switch
        {
            ConvSpec c => Conv(c, context, inputs, output),
            GemmSpec g => Gemm(g, plan, kernel, context, inputs, output),
            ConvTransposeSpec c => ConvTransposeCensus.Take(c, inputs, output),
            var spec => new KernelCensus(null, spec.Macs, 0, 0, 0, inputs, output),
        };
    }

    private static KernelCensus Conv(ConvSpec s, KernelContext context, long inputs, long output)
    {
        int cg = s.C / s.Groups, kg = s.K / s.Groups, rs = s.R * s.S, kred = cg * rs;
        long spatial = (long)s.Ho * s.Wo;
        // Zero weights as the kernel reads them: pruned 2:4 slots and zero ternary codes included.
        var w = context.Arg(PlanKernel.EncodedWeightArg);
        // zA per (group, reduction index): zero weights down each column of the group's A.
        var zeroWeights = new long[s.Groups * kred];
        for (int g = 0; g < s.Groups; g++)
            for (int m = 0; m < kg; m++)
            {
                var row = w.Slice((long)(g * kg + m) * kred, kred);
                for (int k = 0; k < kred; k++)
                    if (row[k] == 0) zeroWeights[g * kred + k]++;
            }
        // zB per (image, channel, tap): zero im2col entries, padding included.
        var zeroInputs = new long[(long)s.N * s.C * rs];
        var x = context.Arg(1);
        Parallel.For(0, s.N * s.C, plane =>
        {
            int channel = plane % s.C;
            var (dh, dw) = s.InputShift > 0 ? ShiftSpec.Offset(channel, s.C, s.InputShift) : (0, 0);
            var prefix = ZeroPrefix(x.Slice((long)plane * s.H * s.W, s.H * s.W), s.H, s.W);
            for (int r = 0; r < s.R; r++)
                for (int t = 0; t < s.S; t++)
                    zeroInputs[(long)plane * rs + r * s.S + t] = ZeroTaps(s, prefix, r, t, dh, dw);
        });
        long zw = 0, zx = 0, both = 0;
        for (int n = 0; n < s.N; n++)
            for (int g = 0; g < s.Groups; g++)
                for (int k = 0; k < kred; k++)
                {
                    long za = zeroWeights[g * kred + k];
                    long zb = zeroInputs[((long)n * s.C + g * cg) * rs + k];
                    zw += za * spatial;
                    zx += kg * zb;
                    both += za * zb;
                }
        long unique = Math.Min((long)kred * spatial, (long)cg * s.H * s.W);
        var shape = new GemmShape((long)s.N * s.Groups, kg, spatial, kred, unique, (long)kg * kred);
        return new KernelCensus(shape, s.Macs, zw - both, zx - both, both, inputs, output);
    }

    /// <summary>Row-wise prefix counts of zeros: prefix[h·(W+1) + w] zeros in row h before column w.</summary>
    private static int[] ZeroPrefix(ReadOnlySpan<float> plane, int h, int w)
    {
        var prefix = new int[h * (w + 1)];
        for (int row = 0; row < h; row++)
            for (int col = 0; col < w; col++)
                prefix[row * (w + 1) + col + 1] = prefix[row * (w + 1) + col] + (plane[row * w + col] == 0 ? 1 : 0);
        return prefix;
    }

    /// <summary>Zero entries in im2col row (r, t) of one input plane: out-of-image taps plus zeros read.</summary>
    private static long ZeroTaps(ConvSpec s, int[] prefix, int r, int t, int dh, int dw)
    {
        long zeros = 0;
        int stride = s.W + 1;
        int dx = t * s.DilationW - s.PadLeft;
        int lo = Math.Max(0, -dw), hi = Math.Min(s.W, s.W - dw);
        int woLo = Math.Clamp(CeilDiv(lo - dx, s.StrideW), 0, s.Wo);
        int woHi = Math.Clamp(CeilDiv(hi - dx, s.StrideW), woLo, s.Wo);
        for (int ho = 0; ho < s.Ho; ho++)
        {
            int h = ho * s.StrideH - s.PadTop + r * s.DilationH;
            if (h < 0 || h >= s.H || h + dh < 0 || h + dh >= s.H)
            {
                zeros += s.Wo;
                continue;
            }
            zeros += s.Wo - (woHi - woLo);
            int row = (h + dh) * stride;
            if (s.StrideW == 1)
            {
                int first = woLo + dx + dw;
                zeros += prefix[row + first + (woHi - woLo)] - prefix[row + first];
            }
            else
            {
                for (int wo = woLo; wo < woHi; wo++)
                {
                    int col = wo * s.StrideW + dx + dw;
                    zeros += prefix[row + col + 1] - prefix[row + col];
                }
            }
        }
        return zeros;
    }

    private static KernelCensus Gemm(GemmSpec s, KernelPlan plan, PlanKernel kernel, KernelContext context, long inputs, long output)
    {
        var a = context.Arg(1);
        var b = context.Arg(PlanKernel.EncodedWeightArg);
        // The weight side is B unless only A is a weight; with two activations B plays the weight's role.
        bool swap = plan.Storage(kernel.Args[1]).Kind == ValueKind.Weight && plan.Storage(kernel.Args[2]).Kind != ValueKind.Weight;
        long zw = 0, zx = 0, both = 0;
        var za = new long[s.K];
        var zb = new long[s.K];
        for (int batch = 0; batch < s.Batch; batch++)
        {
            Array.Clear(za);
            Array.Clear(zb);
            for (int m = 0; m < s.M; m++)
            {
                var row = a.Slice(batch * s.BatchStrideA + (long)m * s.K, s.K);
                for (int k = 0; k < s.K; k++) if (row[k] == 0) za[k]++;
            }
            for (int n = 0; n < s.N; n++)
                for (int k = 0; k < s.K; k++)
                {
                    float v = s.BTransposed ? b[batch * s.BatchStrideB + (long)n * s.K + k] : b[batch * s.BatchStrideB + (long)k * s.N + n];
                    if (v == 0) zb[k]++;
                }
            for (int k = 0; k < s.K; k++)
            {
                long zeroA = za[k] * s.N, zeroB = s.M * zb[k], zeroBoth = za[k] * zb[k];
                zw += swap ? zeroA : zeroB;
                zx += swap ? zeroB : zeroA;
                both += zeroBoth;
            }
        }
        // Rows of the array take the weight side's outer dimension, columns the activation side's.
        long rows = swap ? s.M : s.N, cols = swap ? s.N : s.M;
        var shape = new GemmShape(s.Batch, rows, cols, s.K, (long)s.K * cols, (long)s.K * rows);
        return new KernelCensus(shape, s.Macs, zw - both, zx - both, both, inputs, output);
    }

    private static int CeilDiv(int a, int b) => a >= 0 ? (a + b - 1) / b : -(-a / b);
}
