namespace DnnC.Simulator.Model;

/// <summary>
/// A kernel seen as <see cref="Instances"/> independent GEMMs of M × N × K (a conv: one per image and
/// group, M = output channels per group, N = output pixels, K = C/groups·R·S). <see cref="UniqueInputElements"/>
/// is what the input operand occupies in DRAM per instance: for a conv the input plane footprint
/// (the im2col expansion happens on chip), for a GEMM K·N.
/// </summary>
public sealed record GemmShape(long Instances, long M, long N, long K, long UniqueInputElements, long WeightElements)
{
    public long Macs => Instances * M * N * K;
}

/// <summary>
/// What the data holds for one kernel, counted before it runs. MAC pairs are split by which operand is
/// zero: only the weight, only the activation, or both (for a conv the activation side includes the
/// zero padding). Element counts cover every input argument and the output.
/// </summary>
public sealed record KernelCensus(
    GemmShape? Gemm,
    long Macs,
    long ZeroWeightOnlyMacs,
    long ZeroActivationOnlyMacs,
    long ZeroBothMacs,
    long InputElements,
    long OutputElements)
{
    public long ZeroPairMacs => ZeroWeightOnlyMacs + ZeroActivationOnlyMacs + ZeroBothMacs;
}
