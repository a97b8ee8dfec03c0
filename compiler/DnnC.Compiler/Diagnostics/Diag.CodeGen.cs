using DnnC.Compiler.Text;

namespace DnnC.Compiler.Diagnostics;

public static partial class Diag
{
    /// <summary>The plan asks a kernel for FP16 storage or an encoded weight operand, which no CUDA template emits yet.</summary>
    public static Diagnostic NumericsNotEmitted(string kernel, IEnumerable<string> layers, string template, string numerics) =>
        Error("DNN5010", SourceLocation.None,
            $"kernel {kernel} (layer {string.Join(", ", layers)}) asks for {numerics}, which the CUDA {template} template does not emit yet; " +
            "it would compute it as FP32 dense",
            "dnnc run --backend sim executes such plans; CUDA code generation covers FP32 dense kernels only");
}
