using System.Runtime.CompilerServices;
using DnnC.Runtime.Encoders;
using DnnC.Runtime.Plan;

namespace DnnC.Simulator.Execution;

/// <summary>
/// The weights a conv or GEMM kernel multiplies with, in the plan's own layout, and for ternary kernels the
/// per-filter scale applied once per output (Σ code·x, then × α: additions and subtractions, as a GPU kernel does).
/// </summary>
internal sealed record EffectiveWeights(TensorRef Weights, float[]? FilterScales);

/// <summary>
/// Reads a kernel's weight operand through its <see cref="PlanNumerics.Encoding"/>. The dense weights are
/// encoded with the runtime's encoders (what the build writes into the weight blob), then read back the way
/// the GPU kernel reads the blob: 2:4 values placed through their metadata nibbles, ternary 2-bit codes
/// unpacked to −1/0/+1. Weights never change between runs, so the result is cached per weight array.
/// </summary>
internal static class EncodedWeights
{
    private sealed record Entry(KernelSpec Spec, WeightEncoding Encoding, int Offset, EffectiveWeights Weights);

    private static readonly ConditionalWeakTable<float[], Entry> Cache = new();

    public static EffectiveWeights Resolve(KernelContext context)
    {
        var stored = context.Arg(PlanKernel.EncodedWeightArg);
        var encoding = context.Kernel.Numerics.Encoding;
        if (encoding == WeightEncoding.Dense) return new EffectiveWeights(stored, null);
        if (!stored.Constant)
            throw new InvalidOperationException($"kernel {context.Kernel.Name} encodes its weight operand as {encoding}, but that operand is not a weight");
        var spec = context.Kernel.Spec;
        if (Cache.TryGetValue(stored.Data, out var hit) && hit.Spec == spec && hit.Encoding == encoding && hit.Offset == stored.Offset)
            return hit.Weights;
        var weights = Decode(spec, encoding, stored);
        Cache.AddOrUpdate(stored.Data, new Entry(spec, encoding, stored.Offset, weights));
        return weights;
    }

    private static EffectiveWeights Decode(KernelSpec spec, WeightEncoding encoding, TensorRef stored)
    {
        var (rows, k) = WeightRows.Shape(spec);
        var encoderRows = WeightRows.ToRows(spec, stored.Span);
        var decoded = new float[(long)rows * k];
        float[]? scales = null;
        switch (encoding)
        {
            case WeightEncoding.Sparse24:
                var compressed = Sparse24Weights.Compress(encoderRows, rows, k);
                for (int row = 0; row < rows; row++) compressed.DecodeRow(row, decoded.AsSpan(row * k, k));
                break;
            case WeightEncoding.Ternary:
                var ternary = TernaryWeights.Quantize(encoderRows, rows, k);
                for (int row = 0; row < rows; row++) ternary.DecodeCodes(row, decoded.AsSpan(row * k, k));
                scales = [.. ternary.Scales];
                break;
            default:
                throw new NotSupportedException($"the simulator cannot read weight encoding {encoding}");
        }
        var planLayout = WeightRows.FromRows(spec, decoded);
        return new EffectiveWeights(new TensorRef(planLayout, 0, planLayout.Length, Constant: true), scales);
    }
}
