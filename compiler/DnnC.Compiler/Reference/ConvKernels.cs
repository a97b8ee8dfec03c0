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

        // One task per (image, output channel): each owns a disjoint output plane.
        Parallel.For(0, n * cout, job =>
        {
            int b = job / cout, oc = job % cout;
            int group = oc / coutPerGroup;
            long planeOut = ((long)b * cout + oc) * ho * wo;
            double initial = bias is null ? 0 : bias.Data[oc];
            for (int i = 0; i < ho * wo; i++) y[planeOut + i] = initial;
            for (int icg = 0; icg < cinPerGroup; icg++)
            {
                int ic = group * cinPerGroup + icg;
                long planeIn = ((long)b * c + ic) * h * wd;
                for (int kr = 0; kr < r; kr++)
                for (int ks = 0; ks < s; ks++)
                {
                    double weight = w.Data[((oc * cinPerGroup + icg) * r + kr) * s + ks];
                    for (int oy = 0; oy < ho; oy++)
                    {
                        int iy = oy * sh - padTop + kr * dh;
                        if (iy < 0 || iy >= h) continue;
                        for (int ox = 0; ox < wo; ox++)
                        {
                            int ix = ox * sw - padLeft + ks * dw;
                            if (ix < 0 || ix >= wd) continue;
                            y[planeOut + oy * wo + ox] += weight * x.Data[planeIn + (long)iy * wd + ix];
                        }
                    }
                }
            }
        });
        return new RefTensor([n, cout, ho, wo], y);
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
