namespace DnnC.Compiler.Reference;

/// <summary>Instance, layer and local response normalization, and log-softmax.</summary>
internal static class NormalizationKernels
{
    public static RefTensor InstanceNorm(RefTensor x, RefTensor scale, RefTensor bias, float epsilon)
    {
        int channels = x.Shape[1];
        int planes = x.Shape[0] * channels;
        int size = (int)RefTensor.Count(x.Shape[2..]);
        var y = new double[x.Data.Length];
        for (int p = 0; p < planes; p++)
        {
            int c = p % channels;
            var (mean, variance) = Moments(x.Data, (long)p * size, size);
            double inv = 1 / Math.Sqrt(variance + epsilon);
            for (int i = 0; i < size; i++)
                y[(long)p * size + i] = scale.Data[c] * (x.Data[(long)p * size + i] - mean) * inv + bias.Data[c];
        }
        return new RefTensor(x.Shape, y);
    }

    public static RefTensor LayerNorm(RefTensor x, RefTensor scale, RefTensor? bias, int axis, float epsilon)
    {
        var normalized = x.Shape[axis..];
        int size = (int)RefTensor.Count(normalized);
        int rows = (int)RefTensor.Count(x.Shape[..axis]);
        var scaleAt = RefTensor.BroadcastIndex(scale.Shape, normalized);
        var biasAt = bias is null ? null : RefTensor.BroadcastIndex(bias.Shape, normalized);
        var y = new double[x.Data.Length];
        for (int r = 0; r < rows; r++)
        {
            long start = (long)r * size;
            var (mean, variance) = Moments(x.Data, start, size);
            double inv = 1 / Math.Sqrt(variance + epsilon);
            for (int i = 0; i < size; i++)
                y[start + i] = (x.Data[start + i] - mean) * inv * scale.Data[scaleAt[i]] + (bias is null ? 0 : bias.Data[biasAt![i]]);
        }
        return new RefTensor(x.Shape, y);
    }

    /// <summary>Mean and population variance of a contiguous run, two-pass for accuracy.</summary>
    private static (double Mean, double Variance) Moments(double[] data, long start, int size)
    {
        double sum = 0;
        for (int i = 0; i < size; i++) sum += data[start + i];
        double mean = sum / size;
        double squares = 0;
        for (int i = 0; i < size; i++) squares += (data[start + i] - mean) * (data[start + i] - mean);
        return (mean, squares / size);
    }

    public static RefTensor Lrn(RefTensor x, int size, float alpha, float beta, float bias)
    {
        int n = x.Shape[0], channels = x.Shape[1];
        int inner = (int)RefTensor.Count(x.Shape[2..]);
        int below = (size - 1) / 2, above = size - 1 - below;
        var y = new double[x.Data.Length];
        for (int b = 0; b < n; b++)
        for (int c = 0; c < channels; c++)
        for (int i = 0; i < inner; i++)
        {
            double squares = 0;
            for (int k = Math.Max(0, c - below); k <= Math.Min(channels - 1, c + above); k++)
            {
                double v = x.Data[((long)b * channels + k) * inner + i];
                squares += v * v;
            }
            long at = ((long)b * channels + c) * inner + i;
            y[at] = x.Data[at] / Math.Pow(bias + (double)alpha / size * squares, beta);
        }
        return new RefTensor(x.Shape, y);
    }

    public static RefTensor LogSoftmax(RefTensor x, int axis)
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
            for (int j = 0; j < length; j++) sum += Math.Exp(x.Data[baseIndex + (long)j * inner] - max);
            double log = Math.Log(sum);
            for (int j = 0; j < length; j++) y[baseIndex + (long)j * inner] = x.Data[baseIndex + (long)j * inner] - max - log;
        }
        return new RefTensor(x.Shape, y);
    }
}
