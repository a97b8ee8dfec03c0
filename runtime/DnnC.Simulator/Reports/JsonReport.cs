using System.Text;
using System.Text.Json;
using DnnC.Simulator.Model;

namespace DnnC.Simulator.Reports;

/// <summary>report.json: the CSVs' data, typed, plus the accelerator and the totals. Written with Utf8JsonWriter (trim-safe).</summary>
public static class JsonReport
{
    public const int FormatVersion = 1;

    public static string Write(SimulationReport report)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("formatVersion", FormatVersion);
            json.WriteString("model", report.ModelName);
            json.WritePropertyName("accelerator");
            using (var doc = JsonDocument.Parse(Accelerator.AcceleratorFile.ToJson(report.Accelerator))) doc.WriteTo(json);
            json.WriteStartObject("summary");
            json.WriteNumber("totalCycles", report.TotalCycles);
            json.WriteNumber("stallCycles", report.StallCycles);
            json.WriteNumber("seconds", report.Seconds);
            json.WriteNumber("macs", report.Macs);
            json.WriteNumber("issuedMacs", report.IssuedMacs);
            json.WriteNumber("skippedMacs", report.SkippedMacs);
            json.WriteNumber("utilization", report.Utilization);
            json.WriteNumber("equivalentFlopsPerCycle", report.EquivalentFlopsPerCycle);
            json.WriteNumber("dramBytes", report.DramBytes);
            json.WriteNumber("energyPj", report.EnergyPj);
            json.WriteEndObject();
            json.WriteStartArray("layers");
            for (int i = 0; i < report.Layers.Count; i++) WriteLayer(json, report.Layers[i], report.StartCycles[i]);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteLayer(Utf8JsonWriter json, LayerStats l, long start)
    {
        json.WriteStartObject();
        json.WriteNumber("index", l.Index);
        json.WriteString("kernel", l.Kernel);
        json.WriteString("template", l.Template);
        json.WriteString("layers", l.Layers);
        if (l.Gemm is { } g)
        {
            json.WriteStartObject("gemm");
            json.WriteNumber("instances", g.Instances);
            json.WriteNumber("m", g.M);
            json.WriteNumber("n", g.N);
            json.WriteNumber("k", g.K);
            json.WriteEndObject();
        }
        json.WriteNumber("startCycle", start);
        json.WriteNumber("totalCycles", l.TotalCycles);
        json.WriteNumber("computeCycles", l.ComputeCycles);
        json.WriteNumber("stallCycles", l.StallCycles);
        json.WriteNumber("mappingEfficiency", l.MappingEfficiency);
        json.WriteNumber("computeUtilization", l.ComputeUtilization);
        json.WriteNumber("overallUtilization", l.OverallUtilization);
        json.WriteNumber("macs", l.Macs);
        json.WriteNumber("issuedMacs", l.IssuedMacs);
        json.WriteNumber("skippedMacs", l.SkippedMacs);
        json.WriteNumber("zeroWeightMacs", l.ZeroWeightOnlyMacs);
        json.WriteNumber("zeroActivationMacs", l.ZeroActivationOnlyMacs);
        json.WriteNumber("zeroBothMacs", l.ZeroBothMacs);
        json.WriteNumber("equivalentFlops", l.EquivalentFlops);
        json.WriteNumber("effectiveFlops", l.EffectiveFlops);
        json.WriteStartObject("accesses");
        Level(json, "weightBuffer", l.WeightBuffer);
        Level(json, "inputBuffer", l.InputBuffer);
        Level(json, "outputBuffer", l.OutputBuffer);
        Level(json, "weightDram", l.WeightDram);
        Level(json, "inputDram", l.InputDram);
        Level(json, "outputDram", l.OutputDram);
        json.WriteEndObject();
        json.WriteStartObject("energyPj");
        json.WriteNumber("mac", l.MacEnergyPj);
        json.WriteNumber("buffer", l.BufferEnergyPj);
        json.WriteNumber("dram", l.DramEnergyPj);
        json.WriteNumber("total", l.EnergyPj);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void Level(Utf8JsonWriter json, string name, Accesses a)
    {
        json.WriteStartObject(name);
        json.WriteNumber("reads", a.Reads);
        json.WriteNumber("writes", a.Writes);
        json.WriteEndObject();
    }
}
