using DnnC.Compiler.CodeGen;
using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Lowering;

/// <summary>
/// The last lowering step: kernels whose generated CUDA is identical but for their name (repeated
/// blocks of a network: same template, shapes, tile, epilogue and numerics, other buffers) share one
/// function. kernels.cu then holds each distinct body once, and NVRTC, which dominates a cold build,
/// compiles it once; ResNet-50 has 57 kernels but 28 distinct bodies.
/// </summary>
public static class KernelSharing
{
    private const string Placeholder = "dnnc_kernel";

    public static KernelPlan ShareIdenticalCode(KernelPlan plan)
    {
        var firstWithCode = new Dictionary<(string Code, PlanNumerics Numerics), string>();
        var kernels = plan.Kernels.Select(kernel =>
        {
            // The body as it would be emitted under a neutral name and without the layer comment.
            string code = KernelTemplates.Emit(kernel with { Name = Placeholder, Layers = EquatableArray<string>.Empty }, plan);
            var key = (code, kernel.Numerics);
            if (firstWithCode.TryGetValue(key, out string? owner)) return kernel with { CodeOf = owner };
            firstWithCode[key] = kernel.Name;
            return kernel with { CodeOf = null };
        });
        return plan with { Kernels = kernels.ToEquatableArray() };
    }
}
