using System.Numerics;
using DnnC.Compiler.IR;

namespace DnnC.Compiler.Reference;

/// <summary>Direct convolution and the shift op, straight from their definitions.</summary>
internal static class ConvKernels
{
    /// <summary>
    /// Conv2d before its epilogue: bias included, and a folded input shift applied to x first,
    /// which is what folding it into the operand load means.
    /// </summary>
    public static RefTensor Conv2d(Conv2dOp op, RefTensor x, RefTensor w, RefTensor? bias)
    {
        if (op.InputShift != 0) x = Shift(x, op.InputShift);
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        int cout = w.Shape[0], cinPerGroup = w.Shape[1], r = w.Shape[2], s = w.Shape[3];
        int coutPerGroup = cout / op.Groups;
        int sh = op.Strides[0], sw = op.Strides[1];
        int padTop = op.Pads[0], padLeft = op.Pads[1];
        int dh = op.Dilations[0], dw = op.Dilations[1];
        int ho = Conv2dOp.OutputSize(h, r, sh, op.Pads[0] + op.Pads[2], dh);
        int wo = Conv2dOp.OutputSize(wd, s, sw, op.Pads[1] + op.Pads[3], dw);
        var y = new double[(long)n * cout * ho * wo];

        // One task per (image, output channel, block of output rows): each owns a disjoint,
        // cache-sized part of the output. Within it, every (input channel, tap) adds a weighted
        // input row segment to each output row; the valid column range is computed once, so the
        // stride-1 case is a plain vectorized axpy.
        int rowBlocks = (ho + RowBlock - 1) / RowBlock;
        Parallel.For(0, n * cout * rowBlocks, job =>
        {
            int block = job % rowBlocks, oc = job / rowBlocks % cout, b = job / rowBlocks / cout;
            int oy0 = block * RowBlock, oy1 = Math.Min(ho, oy0 + RowBlock);
            int group = oc / coutPerGroup;
            long planeOut = ((long)b * cout + oc) * ho * wo;
            double initial = bias is null ? 0 : bias.Data[oc];
            y.AsSpan((int)(planeOut + (long)oy0 * wo), (oy1 - oy0) * wo).Fill(initial);
            for (int icg = 0; icg < cinPerGroup; icg++)
            {
                int ic = group * cinPerGroup + icg;
                long planeIn = ((long)b * c + ic) * h * wd;
                for (int kr = 0; kr < r; kr++)
                for (int ks = 0; ks < s; ks++)
                {
                    double weight = w.Data[((oc * cinPerGroup + icg) * r + kr) * s + ks];
                    int offset = ks * dw - padLeft;
                    // ix = ox·sw + offset must lie in [0, wd).
                    int oxLo = Math.Max(0, CeilDiv(-offset, sw));
                    int oxHi = Math.Min(wo, FloorDiv(wd - 1 - offset, sw) + 1);
                    if (oxLo >= oxHi) continue;
                    for (int oy = oy0; oy < oy1; oy++)
                    {
                        int iy = oy * sh - padTop + kr * dh;
                        if (iy < 0 || iy >= h) continue;
                        long rowOut = planeOut + (long)oy * wo;
                        long rowIn = planeIn + (long)iy * wd;
                        if (sw == 1)
                        {
                            Axpy(y.AsSpan((int)(rowOut + oxLo), oxHi - oxLo),
                                x.Data.AsSpan((int)(rowIn + oxLo + offset), oxHi - oxLo), weight);
                            continue;
                        }
                        for (int ox = oxLo; ox < oxHi; ox++) y[rowOut + ox] += weight * x.Data[rowIn + ox * sw + offset];
                    }
                }
            }
        });
        return new RefTensor([n, cout, ho, wo], y);
    }

    private const int RowBlock = 16;

    private static int CeilDiv(int a, int b) => (int)Math.Ceiling(a / (double)b);
    private static int FloorDiv(int a, int b) => (int)Math.Floor(a / (double)b);

    /// <summary>dst += a · src, element by element (the same sums as the scalar loop, only vectorized).</summary>
    private static void Axpy(Span<double> dst, ReadOnlySpan<double> src, double a)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var va = new Vector<double>(a);
            for (; i <= dst.Length - Vector<double>.Count; i += Vector<double>.Count)
                (new Vector<double>(dst[i..]) + va * new Vector<double>(src[i..])).CopyTo(dst[i..]);
        }
        for (; i < dst.Length; i++) dst[i] += a * src[i];
    }

    /// <summary>out[n,c,h,w] = in[n,c,h+dh,w+dw] with (dh, dw) per channel, zero out of bounds.</summary>
    public static RefTensor Shift(RefTensor x, int kernel)
    {
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        var y = new double[x.Data.Length];
        for (int b = 0; b < n; b++)
        for (int ch = 0; ch < c; ch++)
        {
            var (dy, dx) = ShiftOp.Offset(ch, c, kernel);
            long plane = ((long)b * c + ch) * h * w;
            for (int i = 0; i < h; i++)
            for (int j = 0; j < w; j++)
            {
                int si = i + dy, sj = j + dx;
                bool inside = si >= 0 && si < h && sj >= 0 && sj < w;
                y[plane + i * w + j] = inside ? x.Data[plane + si * w + sj] : 0;
            }
        }
        return new RefTensor(x.Shape, y);
    }
}
