using System.Text.Json;
using System.Text.Json.Nodes;
using DnnC.Compiler.IR;
using DnnC.Compiler.Passes;
using DnnC.Runtime.Numerics;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Build;

/// <summary>
/// build-report.json: per kernel, the layers it fuses, its template, tile and launch grid, and what
/// ptxas reported per architecture; then memory and pass summaries. Built as a JsonObject so the
/// output is stable and needs no reflection (the CLI is published trimmed).
/// </summary>
public static class BuildReport
{
    public static string ToJson(BuildResult result)
    {
        var plan = result.Plan;
        var kernels = new JsonArray();
        for (int index = 0; index < plan.Kernels.Count; index++)
        {
            var kernel = plan.Kernels[index];
            var ptxas = new JsonObject();
            foreach (var binary in result.Binaries)
            {
                // Each architecture was compiled from its own plan: the same kernels in the same order, tiles its own.
                var own = binary.Plan.Kernels[index];
                var info = binary.Kernels.FirstOrDefault(k => k.Kernel == own.Function);
                if (info is null) continue;
                var facts = new JsonObject
                {
                    ["registers"] = info.Registers,
                    ["sharedBytes"] = info.SharedBytes,
                    ["spillStoreBytes"] = info.SpillStoreBytes,
                    ["spillLoadBytes"] = info.SpillLoadBytes,
                    ["stackBytes"] = info.StackBytes,
                };
                if (TileOf(own.Spec) is { } ownTile) facts["tile"] = ownTile;
                // How the launch fills the architecture's representative GPU, from this build's registers and shared memory.
                var target = Runtime.Targets.GpuTarget.ForArch(binary.Arch);
                var fit = Runtime.Targets.Occupancy.Fit(target,
                    new Runtime.Targets.KernelResources(own.Launch.ThreadsPerBlock, info.Registers, info.SharedBytes + own.Launch.SharedBytes), own.Launch.Blocks);
                facts["occupancy"] = new JsonObject
                {
                    ["gpu"] = target.Name,
                    ["blocksPerSm"] = fit.BlocksPerSm,
                    ["limit"] = fit.Limit,
                    ["waveBlocks"] = fit.WaveBlocks,
                    ["blocks"] = fit.Blocks,
                    ["waves"] = fit.Waves,
                    ["tailUtilisation"] = Math.Round(fit.TailUtilisation, 4),
                };
                ptxas[binary.Arch] = facts;
            }
            var launch = kernel.Launch;
            var entry = new JsonObject
            {
                ["name"] = kernel.Name,
                ["function"] = kernel.Function,
                ["template"] = kernel.Spec.Template,
                ["layers"] = new JsonArray(kernel.Layers.Select(l => (JsonNode)JsonValue.Create(l)!).ToArray()),
                ["grid"] = new JsonArray(launch.GridX, launch.GridY, launch.GridZ),
                ["block"] = new JsonArray(launch.BlockX, launch.BlockY, launch.BlockZ),
                ["dynamicSharedBytes"] = launch.SharedBytes,
                ["macs"] = kernel.Spec.Macs,
                ["ptxas"] = ptxas,
            };
            if (TileOf(kernel.Spec) is { } tile) entry["tile"] = tile;
            kernels.Add(entry);
        }

        long unshared = plan.Values.Where(v => v.Kind != ValueKind.Weight && v.AliasOf is null).Sum(v => v.Bytes);
        var report = new JsonObject
        {
            ["model"] = plan.ModelName,
            ["formatVersion"] = plan.FormatVersion,
            ["targets"] = new JsonArray(result.Binaries.Select(b => (JsonNode)JsonValue.Create(b.Arch)!).ToArray()),
            // Which CUDA source each architecture was compiled from: kernels.cu is the first target's plan.
            ["sources"] = new JsonObject(result.Targets.Select(t =>
                KeyValuePair.Create(t.Arch, (JsonNode?)JsonValue.Create(t.CudaSource is null ? "none: kernels without CUDA templates (simulator only)"
                    : t.Plan == plan ? "kernels.cu" : $"kernels.{t.Arch}.cu")))),
            ["inputs"] = new JsonArray(result.Source.Inputs.Select(i => (JsonNode)new JsonObject
            {
                ["name"] = i.Name,
                ["elementType"] = ElementTypes.Name(i.ElementType),
                ["shape"] = new JsonArray(i.Type.Shape.Select(d => (JsonNode)d).ToArray()),
            }).ToArray()),
            // Declared inputs the model was compiled as constants: a run must give these values (or nothing).
            ["fixedInputs"] = new JsonArray(result.Source.FixedInputs.Select(f => (JsonNode)new JsonObject
            {
                ["name"] = f.Name,
                ["kind"] = f.Kind == FixedInputKind.Specialised ? "specialised" : "empty",
                ["elementType"] = ElementTypes.Name(f.ElementType),
                ["shape"] = new JsonArray(f.Shape.Select(d => (JsonNode)d).ToArray()),
                ["value"] = new JsonArray(f.Value.Select(v => (JsonNode)(double.IsFinite(v) ? JsonValue.Create(v) : JsonValue.Create(v.ToString(System.Globalization.CultureInfo.InvariantCulture)))).ToArray()),
            }).ToArray()),
            ["outputs"] = new JsonArray(result.Source.Outputs.Select(o => (JsonNode)new JsonObject
            {
                ["name"] = o.Name,
                ["elementType"] = ElementTypes.Name(o.ElementType),
            }).ToArray()),
            ["kernelCount"] = plan.Kernels.Count,
            ["kernels"] = kernels,
            ["memory"] = new JsonObject
            {
                ["activationArenaBytes"] = plan.ActivationArenaBytes,
                ["activationBytesWithoutReuse"] = unshared,
                ["weightBytes"] = plan.WeightBytes,
            },
            ["compile"] = new JsonArray(result.Binaries.Select(b => (JsonNode)new JsonObject
            {
                ["arch"] = b.Arch,
                ["seconds"] = Math.Round(b.Seconds, 3),
                ["cacheHit"] = b.CacheHit,
                ["cubinBytes"] = b.Cubin.Length,
            }).ToArray()),
            ["passes"] = new JsonArray(result.Passes.Select(p => (JsonNode)new JsonObject
            {
                ["pass"] = p.Pass,
                ["summary"] = p.Summary,
                ["details"] = new JsonArray(p.Details.Select(d => (JsonNode)JsonValue.Create(d)!).ToArray()),
            }).ToArray()),
            // Per layer, what each pass decided and why (and what it measured).
            ["layers"] = new JsonArray(result.Layers.Select(l => (JsonNode)new JsonObject
            {
                ["layer"] = l.Layer,
                ["pass"] = l.Pass,
                ["decision"] = l.Decision,
                ["reason"] = l.Reason,
                ["metrics"] = new JsonObject(l.Metrics.Select(m => KeyValuePair.Create(m.Name, (JsonNode?)JsonValue.Create(m.Value)))),
            }).ToArray()),
            ["warnings"] = new JsonArray(result.Warnings.Select(w => (JsonNode)JsonValue.Create($"{w.Code}: {w.Message}")!).ToArray()),
        };
        return report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>The block tile a GEMM-shaped kernel runs, tensor-core or CUDA-core, as the report prints it.</summary>
    private static string? TileOf(KernelSpec spec) => spec switch
    {
        ConvSpec { Mma: { } mma } => mma.ToString(),
        GemmSpec { Mma: { } mma } => mma.ToString(),
        ConvSpec c => c.Tile.ToString(),
        GemmSpec g => g.Tile.ToString(),
        ConvTransposeSpec c => c.Tile.ToString(),
        _ => null,
    };
}
