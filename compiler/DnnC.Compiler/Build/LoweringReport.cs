using DnnC.Compiler.Lowering;
using DnnC.Compiler.Passes;
using DnnC.Runtime.Plan;
using DnnC.Runtime.Targets;

namespace DnnC.Compiler.Build;

/// <summary>
/// What lowering decided for the first target, in the passes' report vocabulary: per tensor-core layer its tile from
/// the catalogue and why (<see cref="MmaTileSelection"/>), and how many values the layout step made channels-last and
/// how many transposes it inserted (<see cref="ChannelsLastLayout"/>).
/// </summary>
public static class LoweringReport
{
    public const string TilePass = "tensor-core-tile", LayoutPass = "channels-last";

    public static PassReports For(KernelPlan plan, GpuTarget target)
    {
        var layers = new List<LayerReport>();
        foreach (var kernel in plan.Kernels)
        {
            var (tile, m, n) = kernel.Spec switch
            {
                ConvSpec { Mma: { } t } c => (t, c.GemmM, c.GemmN),
                GemmSpec { Mma: { } t } g => (t, (long)g.M, g.N),
                _ => (null, 0L, 0),
            };
            if (tile is null) continue;
            var choice = MmaTileSelection.Choose(m, n, target);
            string reason = choice.Tile == tile ? choice.Reason : "chosen from the occupancy of its ptxas resources";
            long blocks = (m + tile.Mt - 1) / tile.Mt * ((n + tile.Nt - 1) / tile.Nt);
            layers.Add(new LayerReport(TilePass, kernel.Layers.FirstOrDefault() ?? kernel.Name, $"{tile.Mt}x{tile.Nt}", $"{tile}: {reason}",
                [new LayerMetric("blocks", blocks), new LayerMetric("stages", tile.Stages)]));
        }
        var passes = new List<PassReport>();
        var transposes = plan.Kernels.Where(ChannelsLastLayout.IsLayoutTranspose).ToList();
        int channelsLast = plan.Kernels.Count(k => k.Spec is ConvSpec { OutputChannelsLast: true });
        if (plan.Kernels.Any(k => k.Spec is ConvSpec { Mma: not null }))
            passes.Add(new PassReport(LayoutPass, $"{channelsLast} conv output(s) channels-last, {transposes.Count} transpose(s) inserted",
                transposes.Select(t => $"{t.Name} for {string.Join(", ", t.Layers)}").ToList()));
        return new PassReports(passes, layers);
    }
}
