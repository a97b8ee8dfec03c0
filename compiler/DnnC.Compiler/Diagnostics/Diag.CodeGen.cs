using DnnC.Compiler.Text;

namespace DnnC.Compiler.Diagnostics;

public static partial class Diag
{
    /// <summary>A build whose plan holds kernels no CUDA template emits yet: it is written without cubins, for the simulator.</summary>
    public static Diagnostic NoCudaKernels(int unsupported, int total, IEnumerable<string> examples) =>
        Warning("DNN5011", SourceLocation.None,
            $"{unsupported} of {total} kernel(s) ask for numerics the CUDA templates do not emit yet ({string.Join(", ", examples)}{(unsupported > 3 ? ", ..." : "")}); " +
            "the build has no CUDA kernels and runs on the simulator",
            "dnnc run DIR --backend sim, or build with --precision fp32 for the GPU");

    /// <summary>The plan asks a kernel for FP16 storage or an encoded weight operand, which no CUDA template emits yet.</summary>
    public static Diagnostic NumericsNotEmitted(string kernel, IEnumerable<string> layers, string template, string numerics) =>
        Error("DNN5010", SourceLocation.None,
            $"kernel {kernel} (layer {string.Join(", ", layers)}) asks for {numerics}, which the CUDA {template} template does not emit yet; " +
            "it would compute it as FP32 dense",
            "dnnc run --backend sim executes such plans; CUDA code generation covers FP32 dense kernels only");
}
