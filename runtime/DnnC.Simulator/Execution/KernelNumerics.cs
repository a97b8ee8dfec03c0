using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Simulator.Execution;

/// <summary>
/// The per-kernel storage precision: how a kernel reads its weights and how its values are stored.
/// <see cref="For"/> picks it from the kernel's <see cref="PlanNumerics.Precision"/>; a caller of
/// <see cref="PlanSimulator"/> may override the choice per kernel. Weight encodings (2:4, ternary) are read
/// from the blob by <see cref="WeightReader"/> before this rounding. Accumulation stays FP32 in every case.
/// </summary>
public abstract class KernelNumerics
{
    public static KernelNumerics Fp32 { get; } = new Fp32Numerics();
    public static KernelNumerics Fp16Storage { get; } = new Fp16StorageNumerics();
    public static KernelNumerics Tf32Math { get; } = new Tf32MathNumerics();

    public abstract string Name { get; }

    /// <summary>The numerics the plan asks for.</summary>
    public static KernelNumerics For(PlanNumerics numerics) =>
        numerics.Precision == KernelPrecision.Fp16 ? Fp16Storage : numerics.Math == MathMode.Tf32TensorCore ? Tf32Math : Fp32;

    /// <summary>True when <see cref="RoundStored"/> changes values; kernels skip the call otherwise.</summary>
    public abstract bool RoundsOutputs { get; }

    /// <summary>True when <see cref="RoundLoaded"/> changes the operands conv and GEMM kernels load.</summary>
    public virtual bool RoundsLoads => RoundsOutputs;

    /// <summary>Rounds operands as the kernel's multiplier sees them, in place: the storage precision by default.</summary>
    public virtual void RoundLoaded(Span<float> values) => RoundStored(values);

    /// <summary>The weights the kernel computes with, from the values decoded out of the blob: an override to FP16 storage
    /// rounds weights the plan stores as float32. <paramref name="productOperand"/>: the conv's filters or the GEMM's B,
    /// which tensor cores multiply (a bias is added to the FP32 accumulator as it is).</summary>
    public virtual float[] RoundWeights(PlanValue value, float[] decoded, bool productOperand) => decoded;

    /// <summary>Decoded weights never change, so each array is rounded once per numerics, not once per run (the conv's
    /// packed panels are cached per array too, and would otherwise be repacked every run).</summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<float[], float[]> _rounded = new();

    protected float[] RoundedOnce(float[] decoded, Action<Span<float>> round) =>
        _rounded.GetValue(decoded, d =>
        {
            var rounded = (float[])d.Clone();
            round(rounded);
            return rounded;
        });

    /// <summary>Rounds finished output values to the storage precision, in place.</summary>
    public virtual void RoundStored(Span<float> values) { }

    /// <summary>TF32 tensor-core math over FP32 storage: conv and GEMM operands (weights and loaded activations) round to
    /// TF32's 10-bit mantissa, to nearest with ties away from zero as cvt.rna.tf32.f32 does; products accumulate in FP32
    /// and outputs are stored as FP32.</summary>
    private sealed class Tf32MathNumerics : KernelNumerics
    {
        public override string Name => "tf32";
        public override bool RoundsOutputs => false;
        public override bool RoundsLoads => true;

        public override float[] RoundWeights(PlanValue value, float[] decoded, bool productOperand) =>
            productOperand ? RoundedOnce(decoded, RoundLoaded) : decoded;

        public override void RoundLoaded(Span<float> values)
        {
            for (int i = 0; i < values.Length; i++) values[i] = Runtime.Numerics.Tf32.Round(values[i]);
        }
    }

    private sealed class Fp32Numerics : KernelNumerics
    {
        public override string Name => "fp32";
        public override bool RoundsOutputs => false;
    }

    /// <summary>FP16 storage with FP32 accumulation: weights, the activations conv and GEMM kernels load, and every
    /// stored output round through System.Half.</summary>
    private sealed class Fp16StorageNumerics : KernelNumerics
    {
        public override string Name => "fp16";
        public override bool RoundsOutputs => true;

        public override float[] RoundWeights(PlanValue value, float[] decoded, bool productOperand)
        {
            if (value.Format == Runtime.Numerics.ElementFormat.Float16) return decoded;   // stored as FP16: already exact
            return RoundedOnce(decoded, RoundStored);
        }

        public override void RoundStored(Span<float> values)
        {
            for (int i = 0; i < values.Length; i++) values[i] = (float)(Half)values[i];
        }
    }
}
