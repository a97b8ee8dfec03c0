using DnnC.Runtime.Cuda;

namespace DnnC.Runtime.Tests.Cuda;

/// <summary>The arithmetic of GPU timing: replays per sample, warm-up batches, and when warm-up is over.</summary>
public sealed class TimingPlanTests
{
    [Theory]
    [InlineData(0.004, 250)]   // a tiny graph: 250 replays make one 1 ms sample
    [InlineData(0.05, 20)]
    [InlineData(0.3, 4)]       // ceil(1 / 0.3)
    [InlineData(1.0, 1)]
    [InlineData(7.5, 1)]       // a big model is timed one replay per sample
    public void Replays_per_sample_make_a_sample_last_at_least_a_millisecond(double perReplayMs, int expected)
    {
        int k = TimingPlan.ReplaysPerSample(perReplayMs);
        Assert.Equal(expected, k);
        Assert.True(k * perReplayMs >= TimingPlan.TargetSampleMs || k == 1);
        Assert.True(k == 1 || (k - 1) * perReplayMs < TimingPlan.TargetSampleMs, "K is the smallest that reaches the target");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(double.NaN)]
    [InlineData(1e-9)]
    public void A_replay_too_fast_to_measure_gets_the_most_replays(double perReplayMs) =>
        Assert.Equal(TimingPlan.MaxReplaysPerSample, TimingPlan.ReplaysPerSample(perReplayMs));

    [Fact]
    public void Warm_up_batches_fill_a_batch_or_what_is_left_and_never_run_zero()
    {
        Assert.Equal(1000, TimingPlan.WarmupBatch(0.05, warmedMs: 0));        // 50 ms of 0.05 ms replays
        Assert.Equal(200, TimingPlan.WarmupBatch(0.05, warmedMs: 190));       // only 10 ms left
        Assert.Equal(1, TimingPlan.WarmupBatch(80, warmedMs: 0));             // one replay is longer than a batch
        Assert.Equal(1, TimingPlan.WarmupBatch(0.05, warmedMs: 250));         // already warm: at least one
        Assert.Equal(TimingPlan.MaxReplaysPerBatch, TimingPlan.WarmupBatch(0, warmedMs: 0));
    }

    [Fact]
    public void Warm_up_ends_after_200_ms_of_gpu_time_or_the_wall_limit()
    {
        Assert.False(TimingPlan.WarmedUp(199.9, TimeSpan.FromMilliseconds(300)));
        Assert.True(TimingPlan.WarmedUp(200, TimeSpan.FromMilliseconds(200)));
        Assert.True(TimingPlan.WarmedUp(3, TimingPlan.WarmupWallLimit)); // host-bound: more warm-up would not help
    }

    [Fact]
    public void A_sample_of_k_replays_reports_the_time_of_one() =>
        Assert.Equal(0.05, TimingPlan.PerReplayMs(1.0, 20), 12);

    [Fact]
    public void Host_timings_keep_one_replay_per_sample_and_no_measured_warm_up()
    {
        var t = CudaTiming.FromSamples(4, [2.0, 1.0, 3.0]);
        Assert.Equal((1, 4, (double?)null), (t.ReplaysPerSample, t.WarmupRuns, t.WarmupMs));
        Assert.Equal((2.0, 1.0, 3.0), (t.MedianMs, t.MinMs, t.MaxMs));
    }
}
