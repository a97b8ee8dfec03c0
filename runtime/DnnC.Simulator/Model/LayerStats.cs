namespace DnnC.Simulator.Model;

/// <summary>Reads and writes of one storage level for one operand, in elements (words).</summary>
public sealed record Accesses(long Reads, long Writes);

/// <summary>
/// The model's verdict on one kernel. Cycles are accelerator clock cycles; buffer and DRAM traffic
/// are in elements (words of <c>BytesPerElement</c>); utilisations are fractions in [0, 1].
/// Operands: "weight" is the stationary operand (filters), "input" the streamed one (feature map),
/// "output" the results and partial sums.
/// </summary>
public sealed record LayerStats(
    int Index,
    string Kernel,
    string Template,
    string Layers,
    GemmShape? Gemm,
    long Macs,
    long ZeroWeightOnlyMacs,
    long ZeroActivationOnlyMacs,
    long ZeroBothMacs,
    long SkippedMacs,
    long IssuedMacs,
    long ComputeCycles,
    long StallCycles,
    double MappingEfficiency,
    double ComputeUtilization,
    double OverallUtilization,
    Accesses WeightBuffer,
    Accesses InputBuffer,
    Accesses OutputBuffer,
    Accesses WeightDram,
    Accesses InputDram,
    Accesses OutputDram,
    double MacEnergyPj,
    double BufferEnergyPj,
    double DramEnergyPj)
{
    public long TotalCycles => ComputeCycles + StallCycles;
    public double EnergyPj => MacEnergyPj + BufferEnergyPj + DramEnergyPj;
    public long EquivalentFlops => 2 * Macs;
    public long EffectiveFlops => 2 * IssuedMacs;
    public double SkippedShare => Macs == 0 ? 0 : (double)SkippedMacs / Macs;
    public long DramReads => WeightDram.Reads + InputDram.Reads + OutputDram.Reads;
    public long DramWrites => WeightDram.Writes + InputDram.Writes + OutputDram.Writes;
    public long BufferAccesses =>
        WeightBuffer.Reads + WeightBuffer.Writes + InputBuffer.Reads + InputBuffer.Writes + OutputBuffer.Reads + OutputBuffer.Writes;
}
