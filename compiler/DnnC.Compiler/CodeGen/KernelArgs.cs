using System.Text;
using DnnC.Runtime.Numerics;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>Kernel parameter names and the signature line shared by every template.</summary>
internal static class KernelArgs
{
    /// <summary>Parameter name of kernel argument <paramref name="arg"/> (0 is the output).</summary>
    public static string Name(int arg) => arg == 0 ? "out" : $"in{arg - 1}";

    /// <summary>
    /// The comment naming the kernel's layers (escaped) and the extern "C" signature with one
    /// parameter per <see cref="PlanKernel.Args"/> entry.
    /// </summary>
    public static string Header(PlanKernel kernel, KernelPlan? plan, int threads, int requiredArgs, string summary)
    {
        string name = CudaText.CheckIdentifier(kernel.Name);
        if (kernel.Args.Count < requiredArgs)
            throw new ArgumentException(
                $"kernel {name} ({kernel.Spec.Template}) needs {requiredArgs} arguments but the plan gives {kernel.Args.Count}");
        var text = new StringBuilder();
        text.Append("/* ").Append(name).Append(": ").Append(CudaText.Comment(summary));
        if (kernel.Layers.Count > 0)
            text.Append("; layers: ").Append(CudaText.Comment(string.Join(", ", kernel.Layers)));
        text.Append(" */\n");
        text.Append($"extern \"C\" __global__ void __launch_bounds__({threads}, {MinBlocksPerSm(threads)}) {name}({StorageType(kernel, plan, 0)}* __restrict__ out");
        for (int arg = 1; arg < kernel.Args.Count; arg++)
            text.Append($", const {StorageType(kernel, plan, arg)}* __restrict__ {Name(arg)}");
        text.Append(")\n");
        return text.ToString();
    }

    /// <summary>
    /// The C++ element type of argument <paramref name="arg"/>: <c>float</c>, or <c>dnnc_h</c> (HalfStorageHelpers) for a
    /// value stored as FP16, which converts to float on every read and rounds on every write, so a template's FP32 math
    /// reads and writes FP16 storage unchanged. Formats come from the plan's values; without a plan (one kernel compiled
    /// alone for its resources) every argument takes the kernel's own storage format.
    /// </summary>
    public static string StorageType(PlanKernel kernel, KernelPlan? plan, int arg) => StorageType(Format(kernel, plan, arg));

    public static ElementFormat? Format(PlanKernel kernel, KernelPlan? plan, int arg) =>
        plan is not null && arg < kernel.Args.Count ? plan.Storage(kernel.Args[arg]).Format : kernel.Numerics.StorageFormat;

    public static string StorageType(ElementFormat? format) => format switch
    {
        null => "float",
        ElementFormat.Float16 => "dnnc_h",
        { } f => throw new ArgumentException($"no CUDA storage type for {ElementFormats.Name(f)} tensors"),
    };

    /// <summary>
    /// The occupancy hint for __launch_bounds__. With the thread count alone, ptxas targets full
    /// occupancy and caps a 256-thread GEMM kernel at 48 registers, spilling its accumulators;
    /// asking for enough blocks to cap registers at 128 per thread keeps them in registers.
    /// </summary>
    public static int MinBlocksPerSm(int threads) => Math.Max(1, 65536 / (threads * 128));

    /// <summary>Arguments a spec with <paramref name="fixedInputs"/> inputs plus operands needs.</summary>
    public static int Required(int fixedInputs, IEnumerable<PlanOperand> operands)
    {
        int required = 1 + fixedInputs;
        foreach (var operand in operands)
        {
            if (operand.Arg < 1) throw new ArgumentException($"operand argument index {operand.Arg} must be at least 1 (0 is the output)");
            required = Math.Max(required, operand.Arg + 1);
        }
        return required;
    }
}
