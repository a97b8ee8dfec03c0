using DnnC.Compiler.CodeGen;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Lowering;
using DnnC.Compiler.Passes;
using DnnC.Runtime.Plan;
using DnnC.Runtime.Targets;

namespace DnnC.Compiler.Build;

/// <summary>The plan lowered for one target architecture and its CUDA source; null when some kernel's numerics (FP16
/// storage, 2:4 or ternary weights) has no CUDA template yet, so the build has no cubins and runs on the simulator.</summary>
public sealed record TargetPlan(string Arch, KernelPlan Plan, string? CudaSource);

/// <summary>
/// Lowers once per target, because the plan depends on the GPU: tiles are sized to its SM count (and, with wave
/// sizing, its waves). Targets whose plans come out equal share one plan and one CUDA source, so a build for
/// sm_80 and sm_90 emits and compiles two sources only where an A100 and an H100 really get different kernels.
/// Every plan holds the same values at the same offsets (tiles change kernels, not storage), so one weight blob
/// serves them all; the first target's plan is the one the simulator runs.
/// </summary>
public static class TargetPlans
{
    public static IReadOnlyList<TargetPlan> Lower(Graph optimized, IReadOnlyList<string> archs, DiagnosticBag diagnostics, StepTimes? times = null)
    {
        times ??= new StepTimes();
        var plans = new List<TargetPlan>();
        foreach (var arch in archs.Distinct())
        {
            var plan = times.Time("lower to a kernel plan", () => PlanLowering.Lower(optimized, GpuTarget.ForArch(arch), diagnostics));
            if (plans.FirstOrDefault(p => p.Plan == plan) is { } same)
            {
                plans.Add(same with { Arch = arch });
                continue;
            }
            if (plans.Count > 0 && plan.Values != plans[0].Plan.Values)
                throw new InvalidOperationException($"the plan for {arch} places its values differently from the plan for {plans[0].Arch}; one weight blob cannot serve both");
            var unsupported = plan.Kernels.Where(k => !KernelTemplates.Supports(k)).ToList();
            if (unsupported.Count > 0)
            {
                // As TensorRT treats a precision it has no kernel for: the build goes on, says so, and is not compiled
                // for CUDA; the plan (and the package) is the same one the simulator runs.
                if (plans.Count == 0) diagnostics.Add(Diag.NoCudaKernels(unsupported.Count, plan.Kernels.Count,
                    unsupported.Take(3).Select(k => $"{k.Name} ({k.Numerics})")));
                plans.Add(new TargetPlan(arch, plan, null));
                continue;
            }
            plans.Add(new TargetPlan(arch, plan, times.Time("emit CUDA", () => CudaEmitter.Emit(plan))));
        }
        return plans;
    }
}
