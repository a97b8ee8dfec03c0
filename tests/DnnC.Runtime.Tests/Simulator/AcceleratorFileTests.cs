using DnnC.Simulator.Accelerator;

namespace DnnC.Runtime.Tests.Simulator;

/// <summary>Accelerator descriptions: presets are valid, JSON round-trips, and every bad field is named.</summary>
public sealed class AcceleratorFileTests
{
    private static List<AcceleratorError> Errors(string json)
    {
        var errors = new List<AcceleratorError>();
        var config = AcceleratorFile.Parse(json, errors);
        Assert.Null(config);
        Assert.NotEmpty(errors);
        return errors;
    }

    [Fact]
    public void Every_preset_is_valid_and_round_trips_through_json()
    {
        Assert.Contains(AcceleratorPresets.All, p => p.Name == "dlac");
        Assert.Contains(AcceleratorPresets.All, p => p.Name == "dlac-fp16");
        foreach (var (gpu, sms) in new[] { ("h100", 132), ("h200", 132), ("a100", 108), ("l4", 58), ("rtx4090", 128) })
            Assert.Equal(sms, AcceleratorPresets.Find(gpu)!.PeRows);
        foreach (var preset in AcceleratorPresets.All)
        {
            Assert.Empty(AcceleratorFile.Validate(preset));
            var errors = new List<AcceleratorError>();
            Assert.Equal(preset, AcceleratorFile.Parse(AcceleratorFile.ToJson(preset), errors));
            Assert.Empty(errors);
        }
    }

    [Fact]
    public void A_file_can_start_from_a_preset()
    {
        var errors = new List<AcceleratorError>();
        var config = AcceleratorFile.Parse("""{ "base": "dlac", "name": "wide", "peCols": 32 }""", errors);
        Assert.Empty(errors);
        Assert.Equal(AcceleratorPresets.Dlac with { Name = "wide", PeCols = 32 }, config);
    }

    [Theory]
    [InlineData("""{ "base": "dlac", "lanesPerPe": 0 }""", "lanesPerPe")]
    [InlineData("""{ "base": "dlac", "peRows": -4 }""", "peRows")]
    [InlineData("""{ "base": "dlac", "dramBandwidthGBs": -25.6 }""", "dramBandwidthGBs")]
    [InlineData("""{ "base": "dlac", "clockMhz": 0 }""", "clockMhz")]
    [InlineData("""{ "base": "dlac", "zeroSkipEfficiency": 1.5 }""", "zeroSkipEfficiency")]
    [InlineData("""{ "base": "dlac", "bytesPerElement": 3 }""", "bytesPerElement")]
    [InlineData("""{ "base": "dlac", "energy": { "macPj": -1 } }""", "energy.macPj")]
    [InlineData("""{ "base": "dlac", "peRows": "many" }""", "peRows")]
    [InlineData("""{ "base": "dlac", "lanes": 4 }""", "lanes")]
    [InlineData("""{ "base": "tpu" }""", "base")]
    public void An_absurd_or_malformed_field_is_named(string json, string field)
    {
        var errors = Errors(json);
        Assert.Contains(errors, e => e.Field == field);
    }

    [Fact]
    public void A_buffer_too_small_for_one_tile_is_named_with_the_tile_size()
    {
        // dlac's tile: 16 rows × 10 lanes × 4 B = 640 B of weights.
        var errors = Errors("""{ "base": "dlac", "weightBufferBytes": 639 }""");
        var error = Assert.Single(errors);
        Assert.Equal("weightBufferBytes", error.Field);
        Assert.Contains("640", error.Message);
        Assert.Contains("one tile", error.Message);
    }

    [Fact]
    public void Every_missing_field_is_listed_at_once()
    {
        var errors = Errors("""{ "name": "partial", "peRows": 8, "peCols": 8 }""");
        string[] expected =
        [
            "lanesPerPe", "clockMhz", "bytesPerElement", "weightBufferBytes", "inputBufferBytes", "outputBufferBytes",
            "dramBandwidthGBs", "energy.macPj", "energy.bufferAccessPj", "energy.dramAccessPj", "zeroSkipEfficiency",
        ];
        Assert.Equal(expected, errors.Select(e => e.Field));
        Assert.All(errors, e => Assert.Equal("is missing", e.Message));
    }

    [Fact]
    public void Unreadable_json_is_an_error_not_an_exception()
    {
        var errors = Errors("{ \"peRows\": 4,");
        Assert.NotEmpty(errors);
        Assert.Single(Errors("[1, 2]"));
    }
}
