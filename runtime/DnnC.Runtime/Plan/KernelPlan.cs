using DnnC.Runtime.Numerics;

namespace DnnC.Runtime.Plan;

/// <summary>
/// The lowered program: the one contract between the compiler, the CUDA runtime and the
/// simulator. Every tensor is a <see cref="PlanValue"/> addressed by id; every kernel names its
/// values in <see cref="PlanKernel.Args"/>, output first, then inputs in the spec's order.
/// </summary>
public sealed record KernelPlan(
    int FormatVersion,
    string ModelName,
    EquatableArray<PlanValue> Values,
    EquatableArray<PlanKernel> Kernels,
    EquatableArray<int> Inputs,
    EquatableArray<PlanOutput> Outputs,
    long ActivationArenaBytes,
    long WeightBytes)
{
    public const int CurrentFormatVersion = 1;

    public PlanValue Value(int id) => Values[id];

    /// <summary>Follows reshape aliases to the value that owns the storage.</summary>
    public PlanValue Storage(int id)
    {
        var v = Values[id];
        while (v.AliasOf is int a) v = Values[a];
        return v;
    }
}

public enum ValueKind { Input, Weight, Activation }

/// <summary>
/// One tensor of the plan. <see cref="Name"/> is the model's own name and appears only in
/// reports; generated code refers to values by id. Activations and inputs live in one arena at
/// <see cref="ArenaOffset"/>; weights in the weight blob at <see cref="WeightOffset"/>. A value
/// with <see cref="AliasOf"/> set (a reshape or flatten) shares its source's storage.
/// <see cref="Format"/> is how each element is stored (null: float32). A weight with
/// <see cref="Encoded"/> set is stored in that encoding (2:4-compressed or ternary, see
/// <see cref="EncodedWeightShape"/>) rather than as <see cref="Shape"/>'s dense elements;
/// <see cref="Bytes"/> is computed from both, so arena and blob layouts follow the numerics.
/// </summary>
public sealed record PlanValue(
    int Id,
    string Name,
    ValueKind Kind,
    EquatableArray<int> Shape,
    long ArenaOffset = -1,
    long WeightOffset = -1,
    string? WeightKey = null,
    int? AliasOf = null,
    ElementFormat? Format = null,
    EncodedWeightShape? Encoded = null)
{
    public long ElementCount => HostTensor.ElementCount(Shape);

    /// <summary>Bytes one dense element occupies: 4 for float32, 2 for FP16 (sub-byte formats are never stored per element).</summary>
    public int ElementBytes => Format is { } f ? ElementCodec.StorageBits(f) / 8 : sizeof(float);

    public long Bytes => Encoded?.Bytes(ElementBytes) ?? (Format is { } f ? ElementCodec.StorageBytes(f, ElementCount) : ElementCount * sizeof(float));
}

public sealed record PlanOutput(string Name, int Value);

/// <summary>A grid and block geometry with dynamic shared memory, as cuLaunchKernel takes it.</summary>
public sealed record LaunchConfig(int GridX, int GridY, int GridZ, int BlockX, int BlockY, int BlockZ, int SharedBytes)
{
    public long Blocks => (long)GridX * GridY * GridZ;
    public int ThreadsPerBlock => BlockX * BlockY * BlockZ;
}

/// <summary>
/// One fused kernel. <see cref="Name"/> is generated (k0, k1, ...) and safe for CUDA source;
/// <see cref="Layers"/> holds the source layer names it covers, for reports only.
/// <see cref="Numerics"/> is its precision and weight encoding; omitted, it is FP32 dense.
/// <see cref="CodeOf"/> names an earlier kernel whose generated code is identical (same template,
/// shapes, tile and epilogue; only the buffers differ), so that kernels.cu holds each distinct body
/// once and NVRTC compiles it once; <see cref="Function"/> is the CUDA function to launch.
/// </summary>
public sealed record PlanKernel(
    string Name,
    KernelSpec Spec,
    EquatableArray<int> Args,
    EquatableArray<string> Layers,
    LaunchConfig Launch,
    PlanNumerics? Numerics = null,
    string? CodeOf = null)
{
    /// <summary>The extern "C" function in the compiled module that runs this kernel.</summary>
    public string Function => CodeOf ?? Name;

    private readonly PlanNumerics _numerics = CheckNumerics(Spec, Numerics ?? PlanNumerics.Fp32Dense);

    public PlanNumerics Numerics
    {
        get => _numerics;
        init => _numerics = CheckNumerics(Spec, value ?? PlanNumerics.Fp32Dense);
    }

    /// <summary>The argument index of the weight operand an encoding applies to: the conv's filters, the GEMM's B.</summary>
    public const int EncodedWeightArg = 2;

    private static PlanNumerics CheckNumerics(KernelSpec spec, PlanNumerics numerics)
    {
        if (numerics.Encoding != WeightEncoding.Dense && spec is not (ConvSpec or GemmSpec))
            throw new ArgumentException($"a {spec.Template} kernel has no weight operand to encode as {numerics.Encoding}");
        if (numerics.Math != MathMode.Fp32Simt && spec is not (ConvSpec or GemmSpec))
            throw new ArgumentException($"a {spec.Template} kernel has no matrix product for {numerics.Math}");
        return numerics;
    }
}
