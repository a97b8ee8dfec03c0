using System.Globalization;
using DnnC.Runtime.Cuda;

namespace DnnC.Cli;

/// <summary>
/// The one line <c>run --bench</c> prints, for scripts: <c>bench</c> then space-separated
/// key=value pairs whose values never contain spaces. scripts/gpu-check.sh parses it. Keys are
/// only ever added, at the end: <c>iterations</c> counts samples, each the mean of
/// <c>replays_per_sample</c> executions timed together (the *_ms are per execution);
/// <c>warmup</c> is the requested count, <c>warmup_runs</c> what ran, and <c>warmup_ms</c> its
/// measured GPU time (left out where it was not measured: the CPU backends).
/// </summary>
public static class BenchLine
{
    public static string Format(string model, string backend, string device, bool graph, CudaTiming t)
    {
        static string Ms(double v) => v.ToString("0.000###", CultureInfo.InvariantCulture);
        return $"bench model={Token(model)} backend={backend} device={Token(device)} graph={(graph ? "yes" : "no")} " +
               $"warmup={t.Warmup} iterations={t.Iterations} median_ms={Ms(t.MedianMs)} min_ms={Ms(t.MinMs)} " +
               $"mean_ms={Ms(t.MeanMs)} max_ms={Ms(t.MaxMs)} replays_per_sample={t.ReplaysPerSample} warmup_runs={t.WarmupRuns}" +
               (t.WarmupMs is double warmupMs ? $" warmup_ms={Ms(warmupMs)}" : "");
    }

    /// <summary>Model names come from files: anything but a plain word character becomes '_'.</summary>
    private static string Token(string text)
    {
        var chars = text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '_').ToArray();
        return chars.Length == 0 ? "_" : new string(chars);
    }
}
