using System.Text;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Code for the block-wide shared-memory tree reduction the row kernels share (reduce, layernorm,
/// instancenorm, log-softmax): each thread's partial value goes to <c>partial[tid]</c>, pairs combine
/// in log2(THREADS) synchronised rounds, and every thread reads the result. The kernel declares
/// <c>__shared__ float partial[THREADS]</c> and <c>tid</c>; THREADS is a power of two.
/// </summary>
internal static class BlockReduction
{
    /// <summary>
    /// Statements reducing each thread's <paramref name="value"/> with <paramref name="combine"/> (a
    /// format with {0} and {1}) into a new const float <paramref name="result"/>.
    /// </summary>
    public static string Tree(string value, string combine, string result, string indent = "    ")
    {
        var text = new StringBuilder();
        text.Append($"{indent}partial[tid] = {value};\n");
        text.Append($"{indent}__syncthreads();\n");
        text.Append("#pragma unroll\n");
        text.Append($"{indent}for (int half = THREADS / 2; half > 0; half /= 2) {{\n");
        text.Append($"{indent}    if (tid < half) partial[tid] = {string.Format(combine, "partial[tid]", "partial[tid + half]")};\n");
        text.Append($"{indent}    __syncthreads();\n");
        text.Append($"{indent}}}\n");
        text.Append($"{indent}const float {result} = partial[0];\n");
        // Nobody may overwrite partial for the next reduction before everyone has read the result.
        text.Append($"{indent}__syncthreads();\n");
        return text.ToString();
    }

    public const string Sum = "{0} + {1}";
    public const string Max = "fmaxf({0}, {1})";
}
