using DnnC.Compiler.IR;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Reference;

/// <summary>Transposed convolution by scattering, and dilated pooling, straight from their definitions.</summary>
internal static class ConvTransposeKernels
{
    /// <summary>Every input pixel scatters x · w into the output window it maps to.</summary>
    public static RefTensor ConvTranspose(ConvTransposeOp op, RefTensor x, RefTensor w, RefTensor? bias, int[] outShape)
    {
        int n = x.Shape[0], cin = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        int coutPerGroup = w.Shape[1], r = w.Shape[2], s = w.Shape[3];
        int cout = outShape[1], ho = outShape[2], wo = outShape[3];
        int cinPerGroup = cin / op.Groups;
        var y = new double[RefTensor.Count(outShape)];
        Parallel.For(0, n * cout, job =>
        {
            int b = job / cout, oc = job % cout;
            int group = oc / coutPerGroup, ocg = oc % coutPerGroup;
            long planeOut = ((long)b * cout + oc) * ho * wo;
            for (int i = 0; i < ho * wo; i++) y[planeOut + i] = bias is null ? 0 : bias.Data[oc];
            for (int icg = 0; icg < cinPerGroup; icg++)
            {
                int ic = group * cinPerGroup + icg;
                long planeIn = ((long)b * cin + ic) * h * wd;
                for (int kr = 0; kr < r; kr++)
                for (int ks = 0; ks < s; ks++)
                {
                    double weight = w.Data[(((long)ic * coutPerGroup + ocg) * r + kr) * s + ks];
                    for (int iy = 0; iy < h; iy++)
                    {
                        int oy = iy * op.Strides[0] - op.Pads[0] + kr * op.Dilations[0];
                        if (oy < 0 || oy >= ho) continue;
                        for (int ix = 0; ix < wd; ix++)
                        {
                            int ox = ix * op.Strides[1] - op.Pads[1] + ks * op.Dilations[1];
                            if (ox < 0 || ox >= wo) continue;
                            y[planeOut + (long)oy * wo + ox] += weight * x.Data[planeIn + (long)iy * wd + ix];
                        }
                    }
                }
            }
        });
        return new RefTensor(outShape, y);
    }

    /// <summary>
    /// Pooling whose tap k reads offset k · dilation. The average divides by the real taps, or
    /// with count_include_pad by the taps inside the padded input.
    /// </summary>
    public static RefTensor DilatedPool(DilatedPoolOp op, RefTensor x, int[] outShape)
    {
        int planes = x.Shape[0] * x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        int ho = outShape[2], wo = outShape[3];
        var y = new double[RefTensor.Count(outShape)];
        for (int plane = 0; plane < planes; plane++)
        for (int oy = 0; oy < ho; oy++)
        for (int ox = 0; ox < wo; ox++)
        {
            double max = double.NegativeInfinity, sum = 0;
            int real = 0, padded = 0;
            long at = -1;   // where the first maximum is, in scan order; -1 when no tap exceeds -inf
            double best = double.NegativeInfinity;
            for (int kr = 0; kr < op.Kernel[0]; kr++)
            for (int ks = 0; ks < op.Kernel[1]; ks++)
            {
                int iy = oy * op.Strides[0] - op.Pads[0] + kr * op.Dilations[0];
                int ix = ox * op.Strides[1] - op.Pads[1] + ks * op.Dilations[1];
                bool insidePadded = iy < h + op.Pads[2] && ix < w + op.Pads[3];
                if (insidePadded) padded++;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                double v = x.Data[((long)plane * h + iy) * w + ix];
                max = Math.Max(max, v);
                if (v > best)   // strict: the first maximum wins; NaN and -inf never become one
                {
                    best = v;
                    at = (long)plane * h * w + (op.Output == PoolOutput.ColumnMajorIndex ? iy + (long)ix * h : (long)iy * w + ix);
                }
                sum += v;
                real++;
            }
            int divisor = op.CountIncludePad ? padded : real;
            y[((long)plane * ho + oy) * wo + ox] = op.Output != PoolOutput.Value ? at
                : real == 0 ? 0 : op.Kind == PoolKind.Max ? max : sum / divisor;
        }
        return new RefTensor(outShape, y);
    }
}
