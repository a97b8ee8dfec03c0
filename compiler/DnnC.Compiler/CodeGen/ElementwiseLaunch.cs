using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// One thread per output element in a grid-stride loop: 256 threads per block, and at most
/// MaxBlocks blocks (each thread then covers several elements) so huge tensors still launch.
/// </summary>
internal static class ElementwiseLaunch
{
    public const int Threads = 256;
    public const int MaxBlocks = 1 << 20;

    public static LaunchConfig For(long elements)
    {
        if (elements <= 0) throw new ArgumentException("an elementwise kernel needs at least one output element");
        long blocks = Math.Min((elements + Threads - 1) / Threads, MaxBlocks);
        return new LaunchConfig((int)blocks, 1, 1, Threads, 1, 1, 0);
    }

    /// <summary>The grid-stride loop header over <paramref name="total"/> elements, index variable i.</summary>
    public static string Loop(long total) =>
        $"    for (idx_t i = (idx_t)blockIdx.x * blockDim.x + threadIdx.x; i < (idx_t){CudaText.Int(total)}; " +
        "i += (idx_t)gridDim.x * blockDim.x) {\n";

    /// <summary>int unless the loop counter could pass 2^31 - 1 on its last stride.</summary>
    public static string IndexType(long total, params long[] extents) =>
        CudaText.IndexType([.. extents, total + (long)MaxBlocks * Threads]);
}
