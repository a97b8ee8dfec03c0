using System.Numerics.Tensors;
using DnnC.Runtime.Plan;

namespace DnnC.Simulator.Execution;

/// <summary>Windowed and global pooling, one (image, channel) plane or row per parallel task.</summary>
internal static class PoolKernels
{
    public static void Run(PoolSpec s, KernelContext context)
    {
        var x = context.Arg(1);
        int plane = s.H * s.W, outPlane = s.Ho * s.Wo;
        Parallel.For(0, s.N * s.C, index =>
        {
            var input = x.Slice((long)index * plane, plane);
            var output = context.Output.WritableSlice((long)index * outPlane, outPlane);
            for (int ho = 0; ho < s.Ho; ho++)
            {
                int h0 = ho * s.StrideH - s.PadTop;
                int hLo = Math.Max(h0, 0), hHi = Math.Min(h0 + s.KernelH, s.H);
                for (int wo = 0; wo < s.Wo; wo++)
                {
                    int w0 = wo * s.StrideW - s.PadLeft;
                    int wLo = Math.Max(w0, 0), wHi = Math.Min(w0 + s.KernelW, s.W);
                    output[ho * s.Wo + wo] = Window(s, input, hLo, hHi, wLo, wHi);
                }
            }
            context.Store(output);
        });
    }

    private static float Window(PoolSpec s, ReadOnlySpan<float> input, int hLo, int hHi, int wLo, int wHi)
    {
        if (s.Kind == PoolKind.Max)
        {
            float max = float.NegativeInfinity;
            for (int h = hLo; h < hHi; h++)
                for (int w = wLo; w < wHi; w++)
                {
                    float v = input[h * s.W + w];
                    if (v > max || float.IsNaN(v)) max = v;
                }
            return max;
        }
        float sum = 0;
        for (int h = hLo; h < hHi; h++)
            for (int w = wLo; w < wHi; w++) sum += input[h * s.W + w];
        int count = s.CountIncludePad ? s.KernelH * s.KernelW : Math.Max(hHi - hLo, 0) * Math.Max(wHi - wLo, 0);
        return sum / count;
    }

    public static void Run(GlobalPoolSpec s, KernelContext context)
    {
        var x = context.Arg(1);
        var output = context.Output;
        Parallel.For(0, s.Rows, row =>
        {
            var values = x.Slice((long)row * s.Spatial, s.Spatial);
            output.Data[output.Offset + row] = s.Kind == PoolKind.Max ? TensorPrimitives.Max(values) : (float)(SumDouble(values) / s.Spatial);
        });
        context.Store(output.Span);
    }

    /// <summary>Large planes (e.g. 112×112) are summed in float64 so the mean does not drift.</summary>
    private static double SumDouble(ReadOnlySpan<float> values)
    {
        double sum = 0;
        const int chunk = 1024;
        for (int i = 0; i < values.Length; i += chunk) sum += TensorPrimitives.Sum(values.Slice(i, Math.Min(chunk, values.Length - i)));
        return sum;
    }
}
