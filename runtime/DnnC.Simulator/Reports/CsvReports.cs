using System.Text;
using DnnC.Simulator.Model;
using static DnnC.Simulator.Reports.ReportFormat;

namespace DnnC.Simulator.Reports;

/// <summary>
/// The three SCALE-Sim reports (REFERENCE.md §8), with SCALE-Sim's columns first and in its order,
/// then DnnC's: kernel and layer names, MAC counts with the skipped ones split by cause, equivalent
/// versus effective FLOPs, and energy. Traffic is in words (elements), bandwidth in words per cycle.
/// </summary>
public static class CsvReports
{
    public static string Compute(SimulationReport report)
    {
        var text = new StringBuilder();
        text.AppendLine("LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %, " +
            "Kernel, Template, Layers, MACs, Issued MACs, Skipped MACs, Zero Weight MACs, Zero Activation MACs, Zero Both MACs, " +
            "Equivalent FLOPs, Effective FLOPs, MAC Energy pJ, Buffer Energy pJ, DRAM Energy pJ, Energy pJ");
        foreach (var l in report.Layers)
        {
            Row(text, Number(l.Index), Number(l.TotalCycles), Number(l.StallCycles), Percent(l.OverallUtilization),
                Percent(l.MappingEfficiency), Percent(l.ComputeUtilization), Csv(l.Kernel), Csv(l.Template), Csv(l.Layers),
                Number(l.Macs), Number(l.IssuedMacs), Number(l.SkippedMacs), Number(l.ZeroWeightOnlyMacs),
                Number(l.ZeroActivationOnlyMacs), Number(l.ZeroBothMacs), Number(l.EquivalentFlops), Number(l.EffectiveFlops),
                Number(l.MacEnergyPj), Number(l.BufferEnergyPj), Number(l.DramEnergyPj), Number(l.EnergyPj));
        }
        return text.ToString();
    }

    public static string Bandwidth(SimulationReport report)
    {
        var text = new StringBuilder();
        text.AppendLine("LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, Avg IFMAP DRAM BW, Avg FILTER DRAM BW, Avg OFMAP DRAM BW, " +
            "Kernel, DRAM Read Words, DRAM Write Words, DRAM Bytes, Buffer Energy pJ, DRAM Energy pJ");
        foreach (var l in report.Layers)
        {
            double cycles = Math.Max(1, l.TotalCycles);
            Row(text, Number(l.Index),
                Number(l.InputBuffer.Reads / cycles), Number(l.WeightBuffer.Reads / cycles), Number(l.OutputBuffer.Writes / cycles),
                Number(l.InputDram.Reads / cycles), Number(l.WeightDram.Reads / cycles), Number(l.OutputDram.Writes / cycles),
                Csv(l.Kernel), Number(l.DramReads), Number(l.DramWrites),
                Number((l.DramReads + l.DramWrites) * report.Accelerator.BytesPerElement),
                Number(l.BufferEnergyPj), Number(l.DramEnergyPj));
        }
        return text.ToString();
    }

    public static string DetailedAccess(SimulationReport report)
    {
        var text = new StringBuilder();
        text.AppendLine("LayerID, SRAM IFMAP Start Cycle, SRAM IFMAP Stop Cycle, SRAM IFMAP Reads, " +
            "SRAM Filter Start Cycle, SRAM Filter Stop Cycle, SRAM Filter Reads, " +
            "SRAM OFMAP Start Cycle, SRAM OFMAP Stop Cycle, SRAM OFMAP Writes, " +
            "DRAM IFMAP Start Cycle, DRAM IFMAP Stop Cycle, DRAM IFMAP Reads, " +
            "DRAM Filter Start Cycle, DRAM Filter Stop Cycle, DRAM Filter Reads, " +
            "DRAM OFMAP Start Cycle, DRAM OFMAP Stop Cycle, DRAM OFMAP Writes, " +
            "Kernel, SRAM IFMAP Writes, SRAM Filter Writes, SRAM OFMAP Reads");
        for (int i = 0; i < report.Layers.Count; i++)
        {
            var l = report.Layers[i];
            string start = Number(report.StartCycles[i]), stop = Number(report.StartCycles[i] + l.TotalCycles);
            Row(text, Number(l.Index),
                start, stop, Number(l.InputBuffer.Reads),
                start, stop, Number(l.WeightBuffer.Reads),
                start, stop, Number(l.OutputBuffer.Writes),
                start, stop, Number(l.InputDram.Reads),
                start, stop, Number(l.WeightDram.Reads),
                start, stop, Number(l.OutputDram.Writes),
                Csv(l.Kernel), Number(l.InputBuffer.Writes), Number(l.WeightBuffer.Writes), Number(l.OutputBuffer.Reads));
        }
        return text.ToString();
    }

    private static void Row(StringBuilder text, params string[] fields) => text.AppendLine(string.Join(", ", fields));
}
