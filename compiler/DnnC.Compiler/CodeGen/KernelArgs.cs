using System.Text;
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
    public static string Header(PlanKernel kernel, int threads, int requiredArgs, string summary)
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
        text.Append($"extern \"C\" __global__ void __launch_bounds__({threads}, {MinBlocksPerSm(threads)}) {name}(float* __restrict__ out");
        for (int arg = 1; arg < kernel.Args.Count; arg++)
            text.Append($", const float* __restrict__ {Name(arg)}");
        text.Append(")\n");
        return text.ToString();
    }

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
