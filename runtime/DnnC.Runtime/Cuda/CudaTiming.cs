namespace DnnC.Runtime.Cuda;

/// <summary>
/// Milliseconds per execution over timed samples, after warm-up. On the GPU each sample is
/// <see cref="ReplaysPerSample"/> back-to-back executions between one pair of CUDA events, divided
/// by that count; <see cref="WarmupRuns"/> and <see cref="WarmupMs"/> say how much warm-up really ran
/// (<see cref="WarmupMs"/> is null where it was not measured).
/// </summary>
public sealed record CudaTiming(int Warmup, int Iterations, double MedianMs, double MinMs, double MaxMs, double MeanMs)
{
    public int ReplaysPerSample { get; init; } = 1;
    public int WarmupRuns { get; init; }
    public double? WarmupMs { get; init; }

    public static CudaTiming FromSamples(int warmup, IReadOnlyList<double> samples)
    {
        if (samples.Count == 0) throw new ArgumentException("no samples", nameof(samples));
        var sorted = samples.Order().ToArray();
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new CudaTiming(warmup, n, median, sorted[0], sorted[^1], sorted.Average()) { WarmupRuns = warmup };
    }
}
