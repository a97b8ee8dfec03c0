using DnnC.Compiler.Passes;

namespace DnnC.Compiler.Build;

/// <summary>
/// The console's view of the passes' per-layer decisions (build-report.json has them all): one line per pass with
/// how many layers got each decision, then the layers a pass left as they were, with why, since "why was this not
/// folded (or fused, or made sparse)" is what users of the peers most often cannot find out.
/// </summary>
public static class LayerDecisionSummary
{
    public const int MaxListed = 10;

    public static IReadOnlyList<string> Lines(IReadOnlyList<LayerReport> layers)
    {
        var lines = new List<string>();
        if (layers.Count == 0) return lines;
        foreach (var pass in layers.GroupBy(l => l.Pass))
            lines.Add($"{pass.Key}: " + string.Join(", ", pass.GroupBy(l => l.Decision).Select(d => $"{d.Count()} {d.Key}")));
        var kept = layers.Where(l => l.Decision == "kept").ToList();
        foreach (var layer in kept.Take(MaxListed))
            lines.Add($"  kept {layer.Layer} ({layer.Pass}): {layer.Reason}");
        if (kept.Count > MaxListed) lines.Add($"  ... {kept.Count - MaxListed} more kept layers in build-report.json");
        return lines;
    }
}
