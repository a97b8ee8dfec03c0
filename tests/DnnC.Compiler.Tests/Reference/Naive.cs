using DnnC.Runtime;

namespace DnnC.Compiler.Tests.Reference;

/// <summary>A float64 tensor for the independent implementations; row-major.</summary>
public sealed record NTensor(int[] Shape, double[] Data)
{
    public static NTensor Of(HostTensor t) => new((int[])t.Shape.Clone(), t.Data.Select(v => (double)v).ToArray());

    public static int Size(IReadOnlyList<int> shape) => shape.Aggregate(1, (a, d) => a * d);

    /// <summary>Multi-index of a flat row-major position, by repeated division.</summary>
    public static int[] Unflatten(int flat, IReadOnlyList<int> shape)
    {
        var index = new int[shape.Count];
        for (int axis = shape.Count - 1; axis >= 0; axis--)
        {
            index[axis] = flat % shape[axis];
            flat /= shape[axis];
        }
        return index;
    }

    public static int Flatten(IReadOnlyList<int> index, IReadOnlyList<int> shape)
    {
        int flat = 0;
        for (int axis = 0; axis < shape.Count; axis++) flat = flat * shape[axis] + index[axis];
        return flat;
    }

    public double At(params int[] index) => Data[Flatten(index, Shape)];

    /// <summary>Reads this tensor at an index of a (larger-rank) broadcast result shape.</summary>
    public double AtBroadcast(IReadOnlyList<int> resultIndex)
    {
        int lead = resultIndex.Count - Shape.Length;
        var own = new int[Shape.Length];
        for (int i = 0; i < Shape.Length; i++) own[i] = Shape[i] == 1 ? 0 : resultIndex[lead + i];
        return Data[Flatten(own, Shape)];
    }
}

/// <summary>
/// Independent float64 implementations written from each op's definition with plain loops.
/// They deliberately share no code with the reference executor.
/// </summary>
public static class Naive
{
    public static int[] BroadcastShape(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var shape = new int[rank];
        for (int i = 1; i <= rank; i++)
        {
            int da = i <= a.Length ? a[^i] : 1, db = i <= b.Length ? b[^i] : 1;
            if (da != db && da != 1 && db != 1) throw new InvalidOperationException("test shapes do not broadcast");
            shape[rank - i] = Math.Max(da, db);
        }
        return shape;
    }

    public static NTensor Binary(NTensor a, NTensor b, Func<double, double, double> f)
    {
        var shape = BroadcastShape(a.Shape, b.Shape);
        var y = new double[NTensor.Size(shape)];
        for (int i = 0; i < y.Length; i++)
        {
            var index = NTensor.Unflatten(i, shape);
            y[i] = f(a.AtBroadcast(index), b.AtBroadcast(index));
        }
        return new NTensor(shape, y);
    }

    public static NTensor Map(NTensor x, Func<double, double> f) => new(x.Shape, x.Data.Select(f).ToArray());

    public static NTensor Conv2d(NTensor x, NTensor w, NTensor? bias, int[] stride, int[] pads, int[] dilation, int groups)
    {
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        int k = w.Shape[0], cg = w.Shape[1], r = w.Shape[2], s = w.Shape[3];
        int ho = (h + pads[0] + pads[2] - dilation[0] * (r - 1) - 1) / stride[0] + 1;
        int wo = (wd + pads[1] + pads[3] - dilation[1] * (s - 1) - 1) / stride[1] + 1;
        var y = new NTensor([n, k, ho, wo], new double[n * k * ho * wo]);
        for (int b = 0; b < n; b++)
        for (int oc = 0; oc < k; oc++)
        for (int oy = 0; oy < ho; oy++)
        for (int ox = 0; ox < wo; ox++)
        {
            int g = oc / (k / groups);
            double sum = bias?.Data[oc] ?? 0;
            for (int j = 0; j < cg; j++)
            for (int kr = 0; kr < r; kr++)
            for (int ks = 0; ks < s; ks++)
            {
                // Position in the zero-padded input, then in the original one.
                int py = oy * stride[0] + kr * dilation[0], px = ox * stride[1] + ks * dilation[1];
                int iy = py - pads[0], ix = px - pads[1];
                if (iy < 0 || ix < 0 || iy >= h || ix >= wd) continue;
                sum += w.At(oc, j, kr, ks) * x.At(b, g * cg + j, iy, ix);
            }
            y.Data[NTensor.Flatten([b, oc, oy, ox], y.Shape)] = sum;
        }
        return y;
    }

    /// <summary>REFERENCE.md §5, written from the paper's formulas.</summary>
    public static NTensor Shift(NTensor x, int k)
    {
        int c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        var y = new NTensor(x.Shape, new double[x.Data.Length]);
        for (int i = 0; i < y.Data.Length; i++)
        {
            var idx = NTensor.Unflatten(i, x.Shape);
            int ch = idx[1];
            int dh = 0, dw = 0;
            if (ch < c / (k * k) * (k * k))
            {
                dw = ch % k - k / 2;
                dh = ch / k % k - k / 2;
            }
            int sy = idx[2] + dh, sx = idx[3] + dw;
            y.Data[i] = sy >= 0 && sy < h && sx >= 0 && sx < w ? x.At(idx[0], ch, sy, sx) : 0;
        }
        return y;
    }

    public static NTensor Dense(NTensor x, NTensor w, NTensor? bias)
    {
        int k = x.Shape[^1], nOut = w.Shape[0];
        int rows = x.Data.Length / k;
        int[] shape = [.. x.Shape[..^1], nOut];
        var y = new double[rows * nOut];
        for (int row = 0; row < rows; row++)
        for (int j = 0; j < nOut; j++)
        {
            double sum = bias?.Data[j] ?? 0;
            for (int i = 0; i < k; i++) sum += x.Data[row * k + i] * w.At(j, i);
            y[row * nOut + j] = sum;
        }
        return new NTensor(shape, y);
    }

    public static NTensor MatMul(NTensor a, NTensor b)
    {
        int m = a.Shape[^2], k = a.Shape[^1], n = b.Shape[^1];
        var batch = BroadcastShape(a.Shape[..^2], b.Shape[..^2]);
        int[] shape = [.. batch, m, n];
        var y = new NTensor(shape, new double[NTensor.Size(shape)]);
        for (int f = 0; f < y.Data.Length; f++)
        {
            var idx = NTensor.Unflatten(f, shape);
            var bi = idx[..^2];
            double sum = 0;
            for (int t = 0; t < k; t++)
            {
                var ia = BatchIndex(bi, a.Shape, idx[^2], t);
                var ib = BatchIndex(bi, b.Shape, t, idx[^1]);
                sum += a.Data[NTensor.Flatten(ia, a.Shape)] * b.Data[NTensor.Flatten(ib, b.Shape)];
            }
            y.Data[f] = sum;
        }
        return y;
    }

    private static int[] BatchIndex(int[] batchIndex, int[] shape, int row, int col)
    {
        var index = new int[shape.Length];
        int lead = batchIndex.Length - (shape.Length - 2);
        for (int i = 0; i < shape.Length - 2; i++) index[i] = shape[i] == 1 ? 0 : batchIndex[lead + i];
        index[^2] = row;
        index[^1] = col;
        return index;
    }

    public static NTensor BatchNorm(NTensor x, NTensor scale, NTensor bias, NTensor mean, NTensor var, double eps)
    {
        var y = new double[x.Data.Length];
        for (int i = 0; i < y.Length; i++)
        {
            int c = NTensor.Unflatten(i, x.Shape)[1];
            y[i] = (x.Data[i] - mean.Data[c]) / Math.Sqrt(var.Data[c] + eps) * scale.Data[c] + bias.Data[c];
        }
        return new NTensor(x.Shape, y);
    }

    /// <summary>Output size by the PyTorch rule, with the last window required to start before the input ends.</summary>
    public static int PoolSize(int input, int k, int s, int padBegin, int padEnd, bool ceil)
    {
        double exact = (double)(input + padBegin + padEnd - k) / s;
        int size = (int)(ceil ? Math.Ceiling(exact) : Math.Floor(exact)) + 1;
        if (ceil && (size - 1) * s >= input + padBegin) size--;
        return size;
    }

    public static NTensor Pool(NTensor x, bool max, int[] kernel, int[] stride, int[] pads, bool countPad, bool ceil)
    {
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        int ho = PoolSize(h, kernel[0], stride[0], pads[0], pads[2], ceil);
        int wo = PoolSize(w, kernel[1], stride[1], pads[1], pads[3], ceil);
        var y = new NTensor([n, c, ho, wo], new double[n * c * ho * wo]);
        for (int f = 0; f < y.Data.Length; f++)
        {
            var idx = NTensor.Unflatten(f, y.Shape);
            var values = new List<double>();
            int inPaddedInput = 0;
            for (int i = 0; i < kernel[0]; i++)
            for (int j = 0; j < kernel[1]; j++)
            {
                int iy = idx[2] * stride[0] - pads[0] + i, ix = idx[3] * stride[1] - pads[1] + j;
                if (iy >= -pads[0] && iy < h + pads[2] && ix >= -pads[1] && ix < w + pads[3]) inPaddedInput++;
                if (iy >= 0 && iy < h && ix >= 0 && ix < w) values.Add(x.At(idx[0], idx[1], iy, ix));
            }
            y.Data[f] = max ? values.Max() : values.Sum() / (countPad ? inPaddedInput : values.Count);
        }
        return y;
    }

    public static NTensor GlobalPool(NTensor x, bool max)
    {
        int planes = x.Shape[0] * x.Shape[1];
        int size = x.Data.Length / planes;
        var y = Enumerable.Range(0, planes)
            .Select(p => x.Data.Skip(p * size).Take(size))
            .Select(v => max ? v.Max() : v.Average())
            .ToArray();
        return new NTensor([x.Shape[0], x.Shape[1], .. Enumerable.Repeat(1, x.Shape.Length - 2)], y);
    }

    public static NTensor Softmax(NTensor x, int axis)
    {
        var y = new double[x.Data.Length];
        for (int f = 0; f < y.Length; f++)
        {
            var idx = NTensor.Unflatten(f, x.Shape);
            double denominator = 0;
            for (int j = 0; j < x.Shape[axis]; j++)
            {
                var other = (int[])idx.Clone();
                other[axis] = j;
                denominator += Math.Exp(x.Data[NTensor.Flatten(other, x.Shape)]);
            }
            y[f] = Math.Exp(x.Data[f]) / denominator;
        }
        return new NTensor(x.Shape, y);
    }

    public static NTensor Concat(IReadOnlyList<NTensor> parts, int axis)
    {
        var shape = (int[])parts[0].Shape.Clone();
        shape[axis] = parts.Sum(p => p.Shape[axis]);
        var y = new double[NTensor.Size(shape)];
        for (int f = 0; f < y.Length; f++)
        {
            var idx = NTensor.Unflatten(f, shape);
            int part = 0;
            while (idx[axis] >= parts[part].Shape[axis]) idx[axis] -= parts[part++].Shape[axis];
            y[f] = parts[part].Data[NTensor.Flatten(idx, parts[part].Shape)];
        }
        return new NTensor(shape, y);
    }

    public static NTensor Transpose(NTensor x, int[] perm)
    {
        var shape = perm.Select(p => x.Shape[p]).ToArray();
        var y = new double[x.Data.Length];
        for (int f = 0; f < x.Data.Length; f++)
        {
            var src = NTensor.Unflatten(f, x.Shape);
            var dst = perm.Select(p => src[p]).ToArray();
            y[NTensor.Flatten(dst, shape)] = x.Data[f];
        }
        return new NTensor(shape, y);
    }

    // Activation formulas written out again rather than taken from ElementwiseMath.
    public static double Relu(double v) => v > 0 ? v : 0;
    public static double Relu6(double v) => v < 0 ? 0 : v > 6 ? 6 : v;
    public static double LeakyRelu(double v, double alpha) => v < 0 ? alpha * v : v;
    public static double Sigmoid(double v) => Math.Exp(v) / (1 + Math.Exp(v));
    public static double HardSigmoid(double v, double a, double b) => Math.Clamp(a * v + b, 0, 1);
    public static double HardSwish(double v) => v * Relu6(v + 3) / 6;
    public static double Clip(double v, double lo, double hi) => Math.Clamp(v, lo, hi);

    /// <summary>GELU via erf from its Taylor series summed to convergence with compensation.</summary>
    public static double Gelu(double v) => 0.5 * v * (1 + Erf(v / Math.Sqrt(2)));

    public static double Erf(double z)
    {
        // erf z = 2/√π · e^{−z²} Σ 2^n z^{2n+1} / (1·3·…·(2n+1)): all terms positive, so no cancellation.
        double term = z, sum = z;
        for (int n = 1; n < 400; n++)
        {
            term *= 2 * z * z / (2 * n + 1);
            sum += term;
            if (Math.Abs(term) < 1e-18 * Math.Abs(sum)) break;
        }
        return 2 / Math.Sqrt(Math.PI) * Math.Exp(-z * z) * sum;
    }
}
