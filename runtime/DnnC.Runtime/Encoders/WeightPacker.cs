using DnnC.Runtime.Plan;

namespace DnnC.Runtime.Encoders;

/// <summary>
/// Builds a plan's weight blob from the model's dense float32 weights (keyed by <see cref="PlanValue.WeightKey"/>):
/// each weight value encoded once, by <see cref="WeightCodec"/>, in the format and encoding the plan gives it.
/// </summary>
public static class WeightPacker
{
    public static PlanWeights Pack(KernelPlan plan, IReadOnlyDictionary<string, HostTensor> weights)
    {
        var stored = plan.Values.Where(v => v.Kind == ValueKind.Weight && v.AliasOf is null).ToList();
        foreach (var value in stored)
        {
            if (value.WeightKey is null || !weights.TryGetValue(value.WeightKey, out var tensor))
                throw new ArgumentException($"missing weight '{value.WeightKey}' for value '{value.Name}'");
            if (tensor.Length != value.ElementCount)
                throw new ArgumentException($"weight '{value.WeightKey}' holds {tensor.Length} elements but the plan expects {value.ElementCount}");
        }
        return PlanWeights.Deferred(plan.WeightBytes, () =>
        {
            var blob = new byte[plan.WeightBytes];
            // Values own disjoint byte ranges, and reading a deferred weight (decoding an initializer, folding a
            // batchnorm) is most of the work: encode them side by side, largest first.
            Parallel.ForEach(stored.OrderByDescending(v => v.Bytes), value =>
                WeightCodec.Encode(value, EncodedConsumer(plan, value), weights[value.WeightKey!].Data,
                    blob.AsSpan(checked((int)value.WeightOffset), checked((int)value.Bytes))));
            return blob;
        });
    }

    /// <summary>The spec of the kernel that reads an encoded weight as its weight operand; null for a dense weight.</summary>
    public static KernelSpec? EncodedConsumer(KernelPlan plan, PlanValue value)
    {
        if (value.Encoded is null) return null;
        var reader = plan.Kernels.FirstOrDefault(k => k.Numerics.Encoding == value.Encoded.Encoding && k.Args.Count > PlanKernel.EncodedWeightArg
            && plan.Storage(k.Args[PlanKernel.EncodedWeightArg]).Id == value.Id);
        return reader?.Spec ?? throw new InvalidDataException($"weight '{value.Name}' is {value.Encoded.Encoding}-encoded, but no {value.Encoded.Encoding} kernel reads it");
    }
}
