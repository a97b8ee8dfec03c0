using System.Text.Json;
using System.Text.Json.Serialization;

namespace DnnC.Simulator.Accelerator;

/// <summary>A problem with an accelerator description; <see cref="Field"/> is the JSON field at fault.</summary>
public sealed record AcceleratorError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>The on-disk form: every field optional so that a missing one can be named, not guessed.</summary>
public sealed class AcceleratorFileModel
{
    /// <summary>A preset to start from; fields given in the file override it.</summary>
    public string? Base { get; set; }
    public string? Name { get; set; }
    public int? PeRows { get; set; }
    public int? PeCols { get; set; }
    public int? LanesPerPe { get; set; }
    public double? ClockMhz { get; set; }
    public int? BytesPerElement { get; set; }
    public long? WeightBufferBytes { get; set; }
    public long? InputBufferBytes { get; set; }
    public long? OutputBufferBytes { get; set; }
    public double? DramBandwidthGBs { get; set; }
    public EnergyFileModel? Energy { get; set; }
    public double? ZeroSkipEfficiency { get; set; }

    /// <summary>How many times the FP32 lanes a TF32 (FP16) tensor-core kernel gets; default that of the base, else 1 (2).</summary>
    public int? Tf32LaneFactor { get; set; }
    public int? Fp16LaneFactor { get; set; }
}

public sealed class EnergyFileModel
{
    public double? MacPj { get; set; }
    public double? BufferAccessPj { get; set; }
    public double? DramAccessPj { get; set; }
}

/// <summary>Source-generated, so loading works in trimmed and AOT builds.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = true)]
[JsonSerializable(typeof(AcceleratorFileModel))]
internal sealed partial class AcceleratorJsonContext : JsonSerializerContext;

/// <summary>Reads and validates accelerator descriptions: every problem is reported, by field, at once.</summary>
public static class AcceleratorFile
{
    /// <summary>A preset name (<c>dlac</c>, <c>h100</c>, ...) or a path to a JSON file.</summary>
    public static AcceleratorConfig? Resolve(string presetOrPath, List<AcceleratorError> errors)
    {
        if (AcceleratorPresets.Find(presetOrPath) is { } preset) return preset;
        if (!File.Exists(presetOrPath))
        {
            string presets = string.Join(", ", AcceleratorPresets.All.Select(p => p.Name));
            errors.Add(new AcceleratorError("file", $"'{presetOrPath}' is neither a preset ({presets}) nor an existing file"));
            return null;
        }
        string text;
        try
        {
            text = File.ReadAllText(presetOrPath);
        }
        catch (IOException e)
        {
            errors.Add(new AcceleratorError("file", $"cannot read '{presetOrPath}': {e.Message}"));
            return null;
        }
        return Parse(text, errors);
    }

    public static AcceleratorConfig? Parse(string json, List<AcceleratorError> errors)
    {
        AcceleratorFileModel? model;
        try
        {
            model = JsonSerializer.Deserialize(json, AcceleratorJsonContext.Default.AcceleratorFileModel);
        }
        catch (JsonException e)
        {
            string field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "file" : e.Path.TrimStart('$', '.');
            errors.Add(new AcceleratorError(field, FirstSentence(e.Message)));
            return null;
        }
        if (model is null)
        {
            errors.Add(new AcceleratorError("file", "the file holds no JSON object"));
            return null;
        }
        return FromModel(model, errors);
    }

    public static string ToJson(AcceleratorConfig config) =>
        JsonSerializer.Serialize(new AcceleratorFileModel
        {
            Name = config.Name, PeRows = config.PeRows, PeCols = config.PeCols, LanesPerPe = config.LanesPerPe,
            ClockMhz = config.ClockMhz, BytesPerElement = config.BytesPerElement,
            WeightBufferBytes = config.WeightBufferBytes, InputBufferBytes = config.InputBufferBytes,
            OutputBufferBytes = config.OutputBufferBytes, DramBandwidthGBs = config.DramBandwidthGBs,
            Tf32LaneFactor = config.Tf32LaneFactor, Fp16LaneFactor = config.Fp16LaneFactor,
            Energy = new EnergyFileModel
            {
                MacPj = config.Energy.MacPj, BufferAccessPj = config.Energy.BufferAccessPj, DramAccessPj = config.Energy.DramAccessPj,
            },
            ZeroSkipEfficiency = config.ZeroSkipEfficiency,
        }, AcceleratorJsonContext.Default.AcceleratorFileModel);

    private static AcceleratorConfig? FromModel(AcceleratorFileModel m, List<AcceleratorError> errors)
    {
        AcceleratorConfig? basis = null;
        if (m.Base is not null)
        {
            basis = AcceleratorPresets.Find(m.Base);
            if (basis is null)
            {
                errors.Add(new AcceleratorError("base", $"unknown preset '{m.Base}'; presets: {string.Join(", ", AcceleratorPresets.All.Select(p => p.Name))}"));
                return null;
            }
        }
        int before = errors.Count;
        T Need<T>(T? value, T? fallback, string field) where T : struct
        {
            if ((value ?? fallback) is { } v) return v;
            errors.Add(new AcceleratorError(field, "is missing"));
            return default;
        }
        // Read in the file's documented order, so missing fields are listed the way the README lists them.
        int peRows = Need(m.PeRows, basis?.PeRows, "peRows");
        int peCols = Need(m.PeCols, basis?.PeCols, "peCols");
        int lanes = Need(m.LanesPerPe, basis?.LanesPerPe, "lanesPerPe");
        double clock = Need(m.ClockMhz, basis?.ClockMhz, "clockMhz");
        int bytes = Need(m.BytesPerElement, basis?.BytesPerElement, "bytesPerElement");
        long weightBuffer = Need(m.WeightBufferBytes, basis?.WeightBufferBytes, "weightBufferBytes");
        long inputBuffer = Need(m.InputBufferBytes, basis?.InputBufferBytes, "inputBufferBytes");
        long outputBuffer = Need(m.OutputBufferBytes, basis?.OutputBufferBytes, "outputBufferBytes");
        double bandwidth = Need(m.DramBandwidthGBs, basis?.DramBandwidthGBs, "dramBandwidthGBs");
        var energy = new EnergyCosts(
            Need(m.Energy?.MacPj, basis?.Energy.MacPj, "energy.macPj"),
            Need(m.Energy?.BufferAccessPj, basis?.Energy.BufferAccessPj, "energy.bufferAccessPj"),
            Need(m.Energy?.DramAccessPj, basis?.Energy.DramAccessPj, "energy.dramAccessPj"));
        double skip = Need(m.ZeroSkipEfficiency, basis?.ZeroSkipEfficiency, "zeroSkipEfficiency");
        var config = new AcceleratorConfig(m.Name ?? basis?.Name ?? "custom", peRows, peCols, lanes, clock, bytes,
            weightBuffer, inputBuffer, outputBuffer, bandwidth, energy, skip,
            m.Tf32LaneFactor ?? basis?.Tf32LaneFactor ?? 1, m.Fp16LaneFactor ?? basis?.Fp16LaneFactor ?? 2);
        if (errors.Count > before) return null;
        errors.AddRange(Validate(config));
        return errors.Count > before ? null : config;
    }

    /// <summary>Absurd values, each named by its field. Presets pass; tests check that.</summary>
    public static IReadOnlyList<AcceleratorError> Validate(AcceleratorConfig c)
    {
        var errors = new List<AcceleratorError>();
        void Positive(double value, string field, string what)
        {
            if (!(value > 0) || double.IsInfinity(value)) errors.Add(new AcceleratorError(field, $"must be a positive {what}, not {value}"));
        }
        void NotNegative(double value, string field)
        {
            if (!(value >= 0) || double.IsInfinity(value)) errors.Add(new AcceleratorError(field, $"must be zero or more, not {value}"));
        }
        Positive(c.PeRows, "peRows", "count");
        Positive(c.PeCols, "peCols", "count");
        Positive(c.LanesPerPe, "lanesPerPe", "count");
        Positive(c.Tf32LaneFactor, "tf32LaneFactor", "count");
        Positive(c.Fp16LaneFactor, "fp16LaneFactor", "count");
        Positive(c.ClockMhz, "clockMhz", "frequency in MHz");
        if (c.BytesPerElement is not (1 or 2 or 4))
            errors.Add(new AcceleratorError("bytesPerElement", $"must be 1, 2 or 4, not {c.BytesPerElement}"));
        Positive(c.DramBandwidthGBs, "dramBandwidthGBs", "bandwidth in GB/s");
        NotNegative(c.Energy.MacPj, "energy.macPj");
        NotNegative(c.Energy.BufferAccessPj, "energy.bufferAccessPj");
        NotNegative(c.Energy.DramAccessPj, "energy.dramAccessPj");
        if (!(c.ZeroSkipEfficiency >= 0 && c.ZeroSkipEfficiency <= 1))
            errors.Add(new AcceleratorError("zeroSkipEfficiency", $"must be between 0 and 1, not {c.ZeroSkipEfficiency}"));
        if (c.PeRows > 0 && c.PeCols > 0 && c.LanesPerPe > 0 && c.BytesPerElement > 0)
        {
            CheckBuffer(errors, "weightBufferBytes", c.WeightBufferBytes, c.FoldWeightBytes, $"{c.PeRows} rows × {c.LanesPerPe} lanes");
            CheckBuffer(errors, "inputBufferBytes", c.InputBufferBytes, c.FoldInputBytes, $"{c.LanesPerPe} lanes × {c.PeCols} columns");
            CheckBuffer(errors, "outputBufferBytes", c.OutputBufferBytes, c.FoldOutputBytes, $"{c.PeRows} × {c.PeCols} FP32 accumulators");
        }
        return errors;
    }

    private static void CheckBuffer(List<AcceleratorError> errors, string field, long bytes, long tileBytes, string tile)
    {
        if (bytes < tileBytes)
            errors.Add(new AcceleratorError(field,
                $"{bytes} bytes cannot hold one tile of the mapping ({tile} = {tileBytes} bytes)"));
    }

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..(end + 1)] : message;
    }
}
