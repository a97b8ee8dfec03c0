using DnnC.Simulator.Accelerator;
using DnnC.Simulator.Model;

namespace DnnC.Simulator;

/// <summary>Per-kernel statistics of one simulated run, in plan order, and their totals.</summary>
public sealed class SimulationReport
{
    public SimulationReport(string modelName, AcceleratorConfig accelerator, IReadOnlyList<LayerStats> layers)
    {
        ModelName = modelName;
        Accelerator = accelerator;
        Layers = layers;
        var starts = new long[layers.Count];
        for (int i = 1; i < layers.Count; i++) starts[i] = starts[i - 1] + layers[i - 1].TotalCycles;
        StartCycles = starts;
    }

    public string ModelName { get; }
    public AcceleratorConfig Accelerator { get; }
    public IReadOnlyList<LayerStats> Layers { get; }

    /// <summary>The cycle at which each layer starts: kernels run one after another.</summary>
    public IReadOnlyList<long> StartCycles { get; }

    public long TotalCycles => Layers.Sum(l => l.TotalCycles);
    public long StallCycles => Layers.Sum(l => l.StallCycles);
    public long Macs => Layers.Sum(l => l.Macs);
    public long SkippedMacs => Layers.Sum(l => l.SkippedMacs);
    public long IssuedMacs => Layers.Sum(l => l.IssuedMacs);
    public double EnergyPj => Layers.Sum(l => l.EnergyPj);
    public long DramBytes => Layers.Sum(l => l.DramReads + l.DramWrites) * Accelerator.BytesPerElement;
    public double Seconds => TotalCycles / (Accelerator.ClockMhz * 1e6);

    /// <summary>Issued MACs over what the array could have done in the elapsed cycles.</summary>
    public double Utilization => TotalCycles == 0 ? 0 : (double)IssuedMacs / ((double)TotalCycles * Accelerator.PeakMacsPerCycle);

    /// <summary>Equivalent (dense) FLOP per cycle: what skipping buys, in the units of the dLAC paper.</summary>
    public double EquivalentFlopsPerCycle => TotalCycles == 0 ? 0 : 2.0 * Macs / TotalCycles;
}
