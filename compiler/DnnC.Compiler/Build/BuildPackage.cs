using System.Reflection;
using DnnC.Compiler.IR;
using DnnC.Runtime;
using DnnC.Runtime.Package;

namespace DnnC.Compiler.Build;

/// <summary>A build result as the plan package that <c>dnnc build</c> writes (plan.dnnpkg) and <c>dnnc run DIR</c> loads.</summary>
public static class BuildPackage
{
    public const string FileName = "plan" + PackageFile.Extension;

    public static PlanPackage Of(BuildResult result)
    {
        // PTX of the newest architecture: the driver JIT-compiles it on GPUs newer than every cubin.
        var newest = result.Binaries.OrderBy(b => b.Arch, StringComparer.Ordinal).LastOrDefault();
        return new PlanPackage(
            result.Plan,
            result.Weights,
            InterfaceOf(result.Source, result.Plan),
            result.Binaries.Select(b => new PackageCubin(b.Arch, b.Cubin)).ToList(),
            newest?.Ptx is { Length: > 0 } ? newest.Ptx : null,
            newest?.Arch,
            CreatedBy,
            result.Targets.Where(t => t.Plan != result.Plan).ToDictionary(t => t.Arch, t => t.Plan));
    }

    public static ModelInterface InterfaceOf(Graph graph, Runtime.Plan.KernelPlan plan) => new(
        graph.DeclaredInputNames().ToEquatableArray(),
        graph.Inputs.Select(i => new InterfaceTensor(i.Name, i.ElementType, i.Type.Shape)).ToEquatableArray(),
        graph.Outputs.Select(o => new InterfaceTensor(o.Name, o.ElementType, plan.Value(plan.Outputs.First(p => p.Name == o.Name).Value).Shape)).ToEquatableArray(),
        graph.FixedInputs.Select(f => new FixedInterfaceInput(f.Name, f.ElementType, f.Shape, f.Value)).ToEquatableArray());

    private static string CreatedBy =>
        $"dnnc {typeof(BuildPackage).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown"}";
}
