using System.Numerics.Tensors;
using DnnC.Runtime.Plan;

namespace DnnC.Simulator.Execution;

/// <summary>Transposed convolution and dilated pooling, one output (image, channel) plane per parallel task.</summary>
internal static class WindowKernels
{
    /// <summary>
    /// Gathers into each output row from the input rows that scatter onto it (so tasks never share
    /// an output); with stride 1 along the row the taps are contiguous and vectorised.
    /// </summary>
    public static void Run(ConvTransposeSpec s, KernelContext context)
    {
        var x = context.Arg(1);
        var w = context.Arg(2);
        int cg = s.C / s.Groups, kg = s.K / s.Groups, rs = s.R * s.S;
        Parallel.For(0, s.N * s.K, plane =>
        {
            int n = plane / s.K, k = plane % s.K, g = k / kg, kk = k % kg;
            var output = context.Output.WritableSlice((long)plane * s.Ho * s.Wo, s.Ho * s.Wo);
            output.Fill(s.HasBias ? context.Arg(3)[k] : 0f);
            for (int oy = 0; oy < s.Ho; oy++)
            {
                var row = output.Slice(oy * s.Wo, s.Wo);
                for (int r = 0; r < s.R; r++)
                {
                    int ty = oy + s.PadTop - r * s.DilationH;
                    if (ty < 0 || ty % s.StrideH != 0 || ty / s.StrideH >= s.H) continue;
                    int iy = ty / s.StrideH;
                    for (int c = g * cg; c < (g + 1) * cg; c++)
                    {
                        var input = x.Slice(((long)n * s.C + c) * s.H * s.W + (long)iy * s.W, s.W);
                        long weights = ((long)c * kg + kk) * rs + r * s.S;
                        for (int t = 0; t < s.S; t++) AddTap(s, row, input, w[weights + t], t * s.DilationW - s.PadLeft);
                    }
                }
            }
            context.Store(output);
        });
    }

    /// <summary>row[ix·SW + shift] += weight · input[ix] for every ix landing inside the row.</summary>
    private static void AddTap(ConvTransposeSpec s, Span<float> row, ReadOnlySpan<float> input, float weight, int shift)
    {
        int ixLo = Math.Max(0, CeilDiv(-shift, s.StrideW));
        int ixHi = Math.Min(s.W, CeilDiv(row.Length - shift, s.StrideW));
        if (ixHi <= ixLo) return;
        if (s.StrideW == 1)
        {
            var dst = row.Slice(ixLo + shift, ixHi - ixLo);
            TensorPrimitives.MultiplyAdd(input[ixLo..ixHi], weight, dst, dst);
            return;
        }
        for (int ix = ixLo; ix < ixHi; ix++) row[ix * s.StrideW + shift] += weight * input[ix];
    }

    private static int CeilDiv(int a, int b) => a >= 0 ? (a + b - 1) / b : -(-a / b);

    public static void Run(DilatedPoolSpec s, KernelContext context)
    {
        var x = context.Arg(1);
        int planeIn = s.H * s.W, planeOut = s.Ho * s.Wo;
        Parallel.For(0, s.N * s.C, plane =>
        {
            var input = x.Slice((long)plane * planeIn, planeIn);
            var output = context.Output.WritableSlice((long)plane * planeOut, planeOut);
            for (int ho = 0; ho < s.Ho; ho++)
                for (int wo = 0; wo < s.Wo; wo++)
                    output[ho * s.Wo + wo] = s.Output == PoolOutput.Value
                        ? Window(s, input, ho * s.StrideH - s.PadTop, wo * s.StrideW - s.PadLeft)
                        : MaxIndex(s, input, ho * s.StrideH - s.PadTop, wo * s.StrideW - s.PadLeft, (long)plane * planeIn);
            context.Store(output);
        });
    }

    /// <summary>
    /// Where the window's first maximum is, as a flat index into the whole input (the plane's
    /// offset plus its row- or column-major position), or -1 when no tap exceeds -inf.
    /// </summary>
    private static float MaxIndex(DilatedPoolSpec s, ReadOnlySpan<float> input, int h0, int w0, long planeOffset)
    {
        float best = float.NegativeInfinity;
        long at = -1;
        for (int r = 0; r < s.KernelH; r++)
        {
            int h = h0 + r * s.DilationH;
            for (int t = 0; t < s.KernelW; t++)
            {
                int w = w0 + t * s.DilationW;
                if (h < 0 || h >= s.H || w < 0 || w >= s.W) continue;
                float v = input[h * s.W + w];
                if (v > best)
                {
                    best = v;
                    at = planeOffset + (s.Output == PoolOutput.ColumnMajorIndex ? h + (long)w * s.H : (long)h * s.W + w);
                }
            }
        }
        return at;
    }

    private static float Window(DilatedPoolSpec s, ReadOnlySpan<float> input, int h0, int w0)
    {
        float max = float.NegativeInfinity, sum = 0;
        int count = 0, padded = 0;
        for (int r = 0; r < s.KernelH; r++)
        {
            int h = h0 + r * s.DilationH;
            for (int t = 0; t < s.KernelW; t++)
            {
                int w = w0 + t * s.DilationW;
                if (h < s.H + s.PadBottom && w < s.W + s.PadRight) padded++;
                if (h < 0 || h >= s.H || w < 0 || w >= s.W) continue;
                float v = input[h * s.W + w];
                if (v > max || float.IsNaN(v)) max = v;
                sum += v;
                count++;
            }
        }
        if (count == 0) return 0;
        return s.Kind == PoolKind.Max ? max : sum / (s.CountIncludePad ? padded : count);
    }
}
