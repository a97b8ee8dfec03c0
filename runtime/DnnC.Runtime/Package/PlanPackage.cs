using DnnC.Runtime.Numerics;
using DnnC.Runtime.Plan;

namespace DnnC.Runtime.Package;

/// <summary>A tensor at the model's interface: its name, the element type the model declares, and its shape.</summary>
public sealed record InterfaceTensor(string Name, ElementType ElementType, EquatableArray<int> Shape);

/// <summary>A declared input the build fixed (specialised on a value, or empty): a run may give only this value.</summary>
public sealed record FixedInterfaceInput(string Name, ElementType ElementType, EquatableArray<int> Shape, EquatableArray<double> Values);

/// <summary>
/// What an application sees of a built model: the runtime inputs, the outputs, the fixed inputs, and every input's
/// name in the order the model declares them (unnamed input files bind in that order).
/// </summary>
public sealed record ModelInterface(
    EquatableArray<string> DeclaredInputs,
    EquatableArray<InterfaceTensor> Inputs,
    EquatableArray<InterfaceTensor> Outputs,
    EquatableArray<FixedInterfaceInput> FixedInputs);

/// <summary>One architecture's compiled kernels.</summary>
public sealed record PackageCubin(string Arch, byte[] Image);

/// <summary>
/// A build, everything needed to run it without the model: the kernel plan, its encoded weight blob, the
/// model's interface, the cubins per architecture and the PTX of the newest one (which the driver JIT-compiles
/// on newer GPUs). <see cref="PackageFile"/> writes and reads it as one self-checking file.
/// <see cref="Plan"/> is the first target's plan, the one the simulator runs; <see cref="OtherPlans"/> holds, by
/// architecture, the plans of targets lowered differently (tiles sized to another SM count), whose cubins were
/// compiled from them. All share the values' layout, hence one weight blob.
/// </summary>
public sealed record PlanPackage(
    KernelPlan Plan,
    PlanWeights Weights,
    ModelInterface Interface,
    IReadOnlyList<PackageCubin> Cubins,
    string? Ptx,
    string? PtxArch,
    string CreatedBy,
    IReadOnlyDictionary<string, KernelPlan>? OtherPlans = null)
{
    /// <summary>The plan whose kernels the cubin (or PTX) of <paramref name="arch"/> holds.</summary>
    public KernelPlan PlanFor(string arch) => OtherPlans is not null && OtherPlans.TryGetValue(arch, out var plan) ? plan : Plan;
}
