using System.Diagnostics;

namespace DnnC.Runtime.Cuda;

/// <summary>
/// Times executions of a loaded model with CUDA events (the arithmetic is <see cref="TimingPlan"/>):
/// the requested warm-up runs, then warm-up batches until <see cref="TimingPlan.MinimumWarmupMs"/>
/// of GPU time, then samples of K back-to-back executions between one event pair. The host waits
/// once per batch or sample, never between the executions it times.
/// </summary>
internal sealed class ReplayTimer(ICudaDriver driver, nint stream, Action execute, Action<int, string> checkWait)
{
    public CudaTiming Time(int warmup, int samples)
    {
        CudaCheck.Check(driver.EventCreate(out nint start), "cuEventCreate");
        nint end = 0;
        try
        {
            CudaCheck.Check(driver.EventCreate(out end), "cuEventCreate");
            // The requested count first (timed, so that even a long warm-up gives an estimate).
            double perReplayMs = warmup > 0 ? TimeBatch(start, end, warmup) / warmup : double.NaN;
            int runs = warmup;
            double warmedMs = 0;
            var wall = Stopwatch.StartNew();
            while (!TimingPlan.WarmedUp(warmedMs, wall.Elapsed))
            {
                int batch = double.IsNaN(perReplayMs) ? 1 : TimingPlan.WarmupBatch(perReplayMs, warmedMs);
                double ms = TimeBatch(start, end, batch);
                perReplayMs = TimingPlan.PerReplayMs(ms, batch);
                warmedMs += ms;
                runs += batch;
            }
            int k = TimingPlan.ReplaysPerSample(perReplayMs);
            var times = new double[samples];
            for (int i = 0; i < samples; i++) times[i] = TimingPlan.PerReplayMs(TimeBatch(start, end, k), k);
            return CudaTiming.FromSamples(warmup, times) with { ReplaysPerSample = k, WarmupRuns = runs, WarmupMs = warmedMs };
        }
        finally
        {
            driver.EventDestroy(start);
            if (end != 0) driver.EventDestroy(end);
        }
    }

    /// <summary>Milliseconds between events around <paramref name="replays"/> executions.</summary>
    private double TimeBatch(nint start, nint end, int replays)
    {
        CudaCheck.Check(driver.EventRecord(start, stream), "cuEventRecord");
        for (int i = 0; i < replays; i++) execute();
        CudaCheck.Check(driver.EventRecord(end, stream), "cuEventRecord");
        checkWait(driver.EventSynchronize(end), "cuEventSynchronize");
        CudaCheck.Check(driver.EventElapsedTime(out float ms, start, end), "cuEventElapsedTime");
        return ms;
    }
}
