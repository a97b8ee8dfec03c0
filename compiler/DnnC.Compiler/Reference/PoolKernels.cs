using DnnC.Compiler.IR;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Reference;

/// <summary>Windowed and global pooling, and softmax.</summary>
internal static class PoolKernels
{
    /// <summary>
    /// Max or average pooling. A window reads only real input positions; for the average,
    /// <see cref="PoolOp.CountIncludePad"/> divides by the window clipped to the padded input
    /// (the PyTorch and ONNX Runtime rule, which matters with ceil mode) instead of by the
    /// number of real positions. A window with no real position (possible only with ceil mode
    /// and a bottom or right pad larger than the top or left one) yields 0.
    /// </summary>
    public static RefTensor Pool(PoolOp op, RefTensor x)
    {
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        int kh = op.Kernel[0], kw = op.Kernel[1], sh = op.Strides[0], sw = op.Strides[1];
        int ho = op.OutputSize(h, kh, sh, op.Pads[0] + op.Pads[2]);
        int wo = op.OutputSize(w, kw, sw, op.Pads[1] + op.Pads[3]);
        var y = new double[(long)n * c * ho * wo];
        for (int plane = 0; plane < n * c; plane++)
        for (int oy = 0; oy < ho; oy++)
        for (int ox = 0; ox < wo; ox++)
        {
            int y0 = oy * sh - op.Pads[0], x0 = ox * sw - op.Pads[1];
            int y1 = y0 + kh, x1 = x0 + kw;
            double max = double.NegativeInfinity, sum = 0;
            int real = 0;
            for (int iy = Math.Max(y0, 0); iy < Math.Min(y1, h); iy++)
            for (int ix = Math.Max(x0, 0); ix < Math.Min(x1, w); ix++)
            {
                double v = x.Data[((long)plane * h + iy) * w + ix];
                max = Math.Max(max, v);
                sum += v;
                real++;
            }
            int padded = (Math.Min(y1, h + op.Pads[2]) - y0) * (Math.Min(x1, w + op.Pads[3]) - x0);
            int divisor = op.CountIncludePad ? padded : real;
            double result = real == 0 ? 0 : op.Kind == PoolKind.Max ? max : sum / divisor;
            y[((long)plane * ho + oy) * wo + ox] = result;
        }
        return new RefTensor([n, c, ho, wo], y);
    }

    /// <summary>Max or mean over every axis after the first two.</summary>
    public static RefTensor GlobalPool(PoolKind kind, RefTensor x)
    {
        int planes = x.Shape[0] * x.Shape[1];
        int size = (int)RefTensor.Count(x.Shape[2..]);
        var y = new double[planes];
        for (int p = 0; p < planes; p++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int i = 0; i < size; i++)
            {
                double v = x.Data[(long)p * size + i];
                max = Math.Max(max, v);
                sum += v;
            }
            y[p] = kind == PoolKind.Max ? max : sum / size;
        }
        int[] shape = [x.Shape[0], x.Shape[1], .. Enumerable.Repeat(1, x.Rank - 2)];
        return new RefTensor(shape, y);
    }

    /// <summary>exp(x − max) / Σ exp(x − max) along one axis; subtracting the max avoids overflow.</summary>
    public static RefTensor Softmax(RefTensor x, int axis)
    {
        int outer = (int)RefTensor.Count(x.Shape[..axis]);
        int length = x.Shape[axis];
        int inner = (int)RefTensor.Count(x.Shape[(axis + 1)..]);
        var y = new double[x.Data.Length];
        for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++)
        {
            long baseIndex = (long)o * length * inner + i;
            double max = double.NegativeInfinity;
            for (int j = 0; j < length; j++) max = Math.Max(max, x.Data[baseIndex + (long)j * inner]);
            double sum = 0;
            for (int j = 0; j < length; j++)
            {
                double e = Math.Exp(x.Data[baseIndex + (long)j * inner] - max);
                y[baseIndex + (long)j * inner] = e;
                sum += e;
            }
            for (int j = 0; j < length; j++) y[baseIndex + (long)j * inner] /= sum;
        }
        return new RefTensor(x.Shape, y);
    }
}
