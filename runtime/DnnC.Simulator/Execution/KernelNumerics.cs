using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Simulator.Execution;

/// <summary>
/// The per-kernel numerics hook: how a kernel reads its weights and how its outputs are stored.
/// FP32 plans use <see cref="Fp32"/>. The plan does not carry precision or weight encodings yet;
/// when it does, FP16 storage (<see cref="Fp16Storage"/>), 2:4-compressed weights (decode values
/// plus metadata into dense rows) and ternary codes (codes × scale) plug in here, chosen per
/// kernel by <see cref="PlanSimulator"/>'s numerics selector, without touching the kernels.
/// Accumulation stays FP32 in every case.
/// </summary>
public abstract class KernelNumerics
{
    public static KernelNumerics Fp32 { get; } = new Fp32Numerics();
    public static KernelNumerics Fp16Storage { get; } = new Fp16StorageNumerics();

    public abstract string Name { get; }

    /// <summary>True when <see cref="RoundStored"/> changes values; kernels skip the call otherwise.</summary>
    public abstract bool RoundsOutputs { get; }

    /// <summary>The dense FP32 weights the kernel computes with, decoded from how the plan stores them.</summary>
    public virtual float[] DecodeWeights(PlanValue value, HostTensor stored) => stored.Data;

    /// <summary>Rounds finished output values to the storage precision, in place.</summary>
    public virtual void RoundStored(Span<float> values) { }

    private sealed class Fp32Numerics : KernelNumerics
    {
        public override string Name => "fp32";
        public override bool RoundsOutputs => false;
    }

    /// <summary>FP16 storage with FP32 accumulation: activations and weights round through System.Half.</summary>
    private sealed class Fp16StorageNumerics : KernelNumerics
    {
        public override string Name => "fp16";
        public override bool RoundsOutputs => true;

        public override float[] DecodeWeights(PlanValue value, HostTensor stored)
        {
            var rounded = (float[])stored.Data.Clone();
            RoundStored(rounded);
            return rounded;
        }

        public override void RoundStored(Span<float> values)
        {
            for (int i = 0; i < values.Length; i++) values[i] = (float)(Half)values[i];
        }
    }
}
