using DnnC.Compiler.CodeGen;
using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Tests.CodeGen.CpuEmulation;

/// <summary>Plan edits the tensor-core tests share.</summary>
internal static class MmaPlans
{
    /// <summary>Every tensor-core kernel of <paramref name="plan"/> on <paramref name="tile"/>, with the launch it needs.</summary>
    public static KernelPlan WithTile(KernelPlan plan, MmaTile tile) => plan with
    {
        Kernels = plan.Kernels.Select(k => k.Spec switch
        {
            ConvSpec { Mma: not null } c => k with { Spec = c with { Mma = tile }, Launch = KernelTemplates.Launch(c with { Mma = tile }) },
            GemmSpec { Mma: not null } g => k with { Spec = g with { Mma = tile }, Launch = KernelTemplates.Launch(g with { Mma = tile }) },
            _ => k,
        }).ToEquatableArray(),
    };
}
