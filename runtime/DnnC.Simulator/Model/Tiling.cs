using DnnC.Simulator.Accelerator;

namespace DnnC.Simulator.Model;

/// <summary>
/// How one GEMM instance is blocked through the buffers (README.md, "Traffic"): Kb reduction ×
/// Mb rows of weights in the weight buffer, Kb × Nb im2col columns of input (stored as their
/// smaller DRAM footprint) in the input buffer, Mb × Nb FP32 accumulators in the output buffer.
/// The loop order (weights outer or inputs outer) is whichever moves fewer DRAM bytes.
/// </summary>
public sealed record Tiling(long Mb, long Nb, long Kb, long MBlocks, long NBlocks, long KBlocks, bool WeightsOuter,
    long WeightDramReads, long InputDramReads)
{
    public static Tiling For(GemmShape g, AcceleratorConfig a)
    {
        long e = a.BytesPerElement, rows = a.PeRows, cols = a.PeCols, lanes = a.LanesPerPe;
        // Input elements held per buffered im2col element: 1 for a GEMM, about 1/(R·S) for a stride-1 conv.
        double footprint = g.K * g.N == 0 ? 1 : (double)g.UniqueInputElements / (g.K * g.N);
        double inputCapacity = a.InputBufferBytes / (e * footprint);

        long kb = Math.Min(RoundUp(g.K, lanes), Math.Max(lanes,
            (long)Math.Min(a.WeightBufferBytes / (rows * e), inputCapacity / cols) / lanes * lanes));
        long mb = Math.Min(RoundUp(g.M, rows), Math.Max(rows, a.WeightBufferBytes / (kb * e) / rows * rows));
        long nb = Math.Min(RoundUp(g.N, cols), Math.Max(cols, (long)(inputCapacity / kb) / cols * cols));
        while (mb * nb * AcceleratorConfig.AccumulatorBytes > a.OutputBufferBytes)
        {
            if (mb / rows >= nb / cols && mb > rows) mb -= rows;
            else if (nb > cols) nb -= cols;
            else break;
        }
        long mBlocks = CeilDiv(g.M, mb), nBlocks = CeilDiv(g.N, nb), kBlocks = CeilDiv(g.K, kb);
        long weights = g.M * g.K, inputs = g.UniqueInputElements;
        bool fullK = kBlocks == 1;
        // Weights outer: a weight block stays while every input block passes, if it holds the whole K.
        long wOuterWeights = weights * (fullK ? 1 : nBlocks);
        long wOuterInputs = inputs * (fullK && nBlocks == 1 ? 1 : mBlocks);
        // Inputs outer: the mirror image.
        long iOuterInputs = inputs * (fullK ? 1 : mBlocks);
        long iOuterWeights = weights * (fullK && mBlocks == 1 ? 1 : nBlocks);
        bool weightsOuter = wOuterWeights + wOuterInputs <= iOuterWeights + iOuterInputs;
        return weightsOuter
            ? new Tiling(mb, nb, kb, mBlocks, nBlocks, kBlocks, true, wOuterWeights, wOuterInputs)
            : new Tiling(mb, nb, kb, mBlocks, nBlocks, kBlocks, false, iOuterWeights, iOuterInputs);
    }

    public static long CeilDiv(long a, long b) => (a + b - 1) / b;
    public static long RoundUp(long a, long b) => CeilDiv(a, b) * b;
}
