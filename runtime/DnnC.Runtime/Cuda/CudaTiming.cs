namespace DnnC.Runtime.Cuda;

/// <summary>Milliseconds per execution over timed iterations, after untimed warm-up ones.</summary>
public sealed record CudaTiming(int Warmup, int Iterations, double MedianMs, double MinMs, double MaxMs, double MeanMs)
{
    public static CudaTiming FromSamples(int warmup, IReadOnlyList<double> samples)
    {
        if (samples.Count == 0) throw new ArgumentException("no samples", nameof(samples));
        var sorted = samples.Order().ToArray();
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new CudaTiming(warmup, n, median, sorted[0], sorted[^1], sorted.Average());
    }
}
