using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using DnnC.Runtime.Encoders;
using DnnC.Runtime.Plan;

namespace DnnC.Simulator.Execution;

/// <summary>
/// Reads weights out of a plan's blob the way the GPU kernels do, through <see cref="WeightCodec.Decode"/>: dense
/// values from their element format, 2:4 values placed through their metadata nibbles, ternary codes unpacked to
/// −1/0/+1 with their scales. The simulator never sees the model's own weights, only these bytes. A blob never
/// changes, so each value is decoded once per blob.
/// </summary>
internal static class WeightReader
{
    private static readonly ConditionalWeakTable<PlanWeights, ConcurrentDictionary<int, DecodedWeight>> Cache = new();

    public static DecodedWeight Read(PlanWeights weights, PlanValue storage, KernelSpec? consumer)
    {
        var decoded = Cache.GetValue(weights, _ => new ConcurrentDictionary<int, DecodedWeight>());
        return decoded.GetOrAdd(storage.Id, _ => WeightCodec.Decode(storage, storage.Encoded is null ? null : consumer, weights.Of(storage)));
    }
}
