using System.Globalization;
using DnnC.Runtime.Cuda;

namespace DnnC.Cli;

/// <summary>
/// The one line <c>run --bench</c> prints, for scripts: <c>bench</c> then space-separated
/// key=value pairs whose values never contain spaces. scripts/gpu-check.sh parses it.
/// </summary>
public static class BenchLine
{
    public static string Format(string model, string backend, string device, bool graph, CudaTiming t)
    {
        static string Ms(double v) => v.ToString("0.000###", CultureInfo.InvariantCulture);
        return $"bench model={Token(model)} backend={backend} device={Token(device)} graph={(graph ? "yes" : "no")} " +
               $"warmup={t.Warmup} iterations={t.Iterations} median_ms={Ms(t.MedianMs)} min_ms={Ms(t.MinMs)} " +
               $"mean_ms={Ms(t.MeanMs)} max_ms={Ms(t.MaxMs)}";
    }

    /// <summary>Model names come from files: anything but a plain word character becomes '_'.</summary>
    private static string Token(string text)
    {
        var chars = text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '_').ToArray();
        return chars.Length == 0 ? "_" : new string(chars);
    }
}
