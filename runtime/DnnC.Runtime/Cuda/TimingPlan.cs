namespace DnnC.Runtime.Cuda;

/// <summary>
/// The arithmetic of GPU timing, pure so it is tested without a GPU. An idle GPU clocks down (an
/// H200 to about 345 MHz) and needs sustained work to clock up, so warm-up lasts a duration, not a
/// count. A graph that runs in microseconds is below what one event pair resolves well and is
/// dominated by the host's wait, so one sample is K back-to-back replays lasting about a millisecond.
/// </summary>
public static class TimingPlan
{
    /// <summary>GPU time of warm-up replays, on top of the requested warm-up count.</summary>
    public const double MinimumWarmupMs = 200;

    /// <summary>
    /// Wall-clock bound on the duration warm-up: if events report under <see cref="MinimumWarmupMs"/>
    /// after this long, the GPU is waiting on the host and more warm-up will not raise its clocks.
    /// </summary>
    public static readonly TimeSpan WarmupWallLimit = TimeSpan.FromSeconds(2);

    /// <summary>Warm-up goes in batches of about this much GPU time, each ended by an event wait.</summary>
    public const double WarmupBatchMs = 50;

    /// <summary>One timed sample lasts at least about this long.</summary>
    public const double TargetSampleMs = 1.0;

    public const int MaxReplaysPerSample = 1_000;
    public const int MaxReplaysPerBatch = 10_000;

    /// <summary>K: replays per sample so that one sample lasts <see cref="TargetSampleMs"/>; 1 for anything slower.</summary>
    public static int ReplaysPerSample(double perReplayMs) => ReplaysFor(TargetSampleMs, perReplayMs, MaxReplaysPerSample);

    /// <summary>The next warm-up batch: what fills one batch, or what is left of the warm-up if less.</summary>
    public static int WarmupBatch(double perReplayMs, double warmedMs) =>
        ReplaysFor(Math.Min(WarmupBatchMs, MinimumWarmupMs - warmedMs), perReplayMs, MaxReplaysPerBatch);

    public static bool WarmedUp(double warmedMs, TimeSpan wall) => warmedMs >= MinimumWarmupMs || wall >= WarmupWallLimit;

    /// <summary>The time of one replay in a sample of <paramref name="replays"/> timed together.</summary>
    public static double PerReplayMs(double sampleMs, int replays) => sampleMs / replays;

    /// <summary>
    /// ceil(target / per replay), clamped to [1, max]. A replay too fast to measure (zero, or not a
    /// number) gets the maximum: the sample then lasts as long as it can be made to. Events report
    /// float milliseconds, so the quotient is shaved by a relative 1e-5 first: a replay measured a
    /// hair faster than it is must not add a whole replay to every sample.
    /// </summary>
    private static int ReplaysFor(double targetMs, double perReplayMs, int max)
    {
        if (!(perReplayMs > 0)) return max;
        double replays = Math.Ceiling(targetMs / perReplayMs * (1 - 1e-5));
        return replays >= max ? max : Math.Max(1, (int)replays);
    }
}
