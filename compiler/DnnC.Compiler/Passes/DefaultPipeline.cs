namespace DnnC.Compiler.Passes;

/// <summary>The passes every build runs, in order. Each line says why the pass stands where it does.</summary>
public static class DefaultPipeline
{
    public static IReadOnlyList<IPass> Create() =>
    [
        // Drop statements that no output needs, so later passes and reports see only live layers.
        new DeadCodeElimination(),
        // Fold inference batchnorm into the preceding conv/dense weights (in float64) before
        // fusion, so that the conv is free to take the activation as its epilogue.
        new FoldBatchNorm(),
        // Batchnorms with no conv/dense to fold into become a per-channel multiply and add,
        // which elementwise fusion can then merge with their neighbours.
        new BatchNormToAffine(),
        // A shift feeding 1x1 convs becomes an address offset in their operand load (REFERENCE §5).
        new FoldShiftIntoConv(),
        // conv/dense/matmul + bias + activation + residual add become one kernel's epilogue.
        new FuseEpilogues(),
        // What elementwise work remains is merged into chains, one kernel each.
        new FuseElementwiseChains(),
        // Per kernel, FP16 or TF32 where asked for and safe: after folding (done in FP32 weights) and fusion (so each
        // decision is a kernel's), measured on calibration inputs.
        new AssignPrecision(),
        // Remove the constants and nodes that folding and fusion left unused.
        new DeadCodeElimination(),
    ];
}
