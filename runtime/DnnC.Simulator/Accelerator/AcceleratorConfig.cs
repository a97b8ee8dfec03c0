namespace DnnC.Simulator.Accelerator;

/// <summary>Energy per operation, in picojoules. Accesses are per element (word) moved.</summary>
public sealed record EnergyCosts(double MacPj, double BufferAccessPj, double DramAccessPj);

/// <summary>
/// A dLAC-style accelerator (REFERENCE.md §4): a Rows × Cols grid of processing elements, each
/// reducing <see cref="LanesPerPe"/> products per cycle, fed from three on-chip buffers (weights,
/// inputs, outputs/partial sums) that are filled from DRAM. <see cref="ZeroSkipEfficiency"/> (0..1)
/// is the share of a zero operand pair's cycle that skipping actually saves: 1 is ideal, lower
/// values model load imbalance between PEs and the cost of finding the next non-zero pair.
/// </summary>
public sealed record AcceleratorConfig(
    string Name,
    int PeRows,
    int PeCols,
    int LanesPerPe,
    double ClockMhz,
    int BytesPerElement,
    long WeightBufferBytes,
    long InputBufferBytes,
    long OutputBufferBytes,
    double DramBandwidthGBs,
    EnergyCosts Energy,
    double ZeroSkipEfficiency,
    int Tf32LaneFactor = 1,
    int Fp16LaneFactor = 2)
{
    /// <summary>
    /// The array as one kernel sees it: <see cref="LanesPerPe"/> counts FP32 multiply-accumulates; a kernel on TF32
    /// tensor cores gets <see cref="Tf32LaneFactor"/> times the lanes and one on FP16 tensor cores
    /// <see cref="Fp16LaneFactor"/> times (an A100 has 8× and 16× its FP32 CUDA-core rate); a kernel that stores FP16
    /// moves 2-byte elements.
    /// </summary>
    public AcceleratorConfig For(Runtime.Plan.PlanNumerics numerics) => this with
    {
        LanesPerPe = LanesPerPe * numerics.Math switch
        {
            Runtime.Plan.MathMode.Tf32TensorCore => Tf32LaneFactor,
            Runtime.Plan.MathMode.Fp16TensorCore => Fp16LaneFactor,
            _ => 1,
        },
        BytesPerElement = numerics.Precision == Runtime.Plan.KernelPrecision.Fp16 ? Math.Min(BytesPerElement, 2) : BytesPerElement,
    };

    /// <summary>Accumulators are kept in FP32 whatever the operand precision.</summary>
    public const int AccumulatorBytes = 4;

    public long PeCount => (long)PeRows * PeCols;
    public long PeakMacsPerCycle => PeCount * LanesPerPe;

    /// <summary>Peak equivalent FLOP per cycle: one MAC is two FLOP.</summary>
    public long PeakFlopsPerCycle => 2 * PeakMacsPerCycle;

    public double DramBytesPerCycle => DramBandwidthGBs * 1e9 / (ClockMhz * 1e6);

    /// <summary>Bytes one PE-array fold needs resident: Rows×Lanes weights, Lanes×Cols inputs, Rows×Cols accumulators.</summary>
    public long FoldWeightBytes => (long)PeRows * LanesPerPe * BytesPerElement;
    public long FoldInputBytes => (long)LanesPerPe * PeCols * BytesPerElement;
    public long FoldOutputBytes => (long)PeRows * PeCols * AccumulatorBytes;
}
