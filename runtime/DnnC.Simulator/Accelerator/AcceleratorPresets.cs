using DnnC.Runtime.Targets;

namespace DnnC.Simulator.Accelerator;

/// <summary>
/// Built-in accelerator descriptions. <c>dlac</c> is calibrated to the two figures REFERENCE.md §4
/// gives (the paper does not publish PE count, buffers or dataflow, so those are choices):
/// 16×16 PEs × 10 lanes = 2,560 MAC = 5,120 equivalent FLOP per cycle at 500 MHz (the "5K peak"),
/// and a zero-skip efficiency of 0.9, which turns 84% skippable operand pairs into a
/// 1/(1 − 0.84·0.9) ≈ 4.1× cycle reduction on long reductions (inside the paper's 3-6×).
/// The GPU presets map one SM to one PE row of 4 tensor-core-like units, for a rough comparison
/// with the wave model: what matters there is the SM count, not the absolute throughput.
/// </summary>
public static class AcceleratorPresets
{
    // Per-access energies after Horowitz (ISSCC 2014), scaled to 14 nm: an FP32 MAC about 1 pJ,
    // a 32-bit read from a few hundred KB of SRAM about 5 pJ, a 32-bit DRAM access about 160 pJ.
    private static readonly EnergyCosts Fp32Energy = new(MacPj: 1.0, BufferAccessPj: 5.0, DramAccessPj: 160.0);
    private static readonly EnergyCosts Fp16Energy = new(MacPj: 0.4, BufferAccessPj: 2.5, DramAccessPj: 80.0);

    public static readonly AcceleratorConfig Dlac = new(
        "dlac", PeRows: 16, PeCols: 16, LanesPerPe: 10, ClockMhz: 500, BytesPerElement: 4,
        WeightBufferBytes: 512 * 1024, InputBufferBytes: 512 * 1024, OutputBufferBytes: 256 * 1024,
        DramBandwidthGBs: 25.6, Fp32Energy, ZeroSkipEfficiency: 0.9);

    /// <summary>Half precision: the same area holds about twice the lanes (2.2 vs 1.09 mm², §4). Its lanes are FP16
    /// lanes already, so an FP16 kernel gets no further factor; on <c>dlac</c> it gets 2.</summary>
    public static readonly AcceleratorConfig DlacFp16 = Dlac with
    {
        Name = "dlac-fp16", LanesPerPe = 20, BytesPerElement = 2, Energy = Fp16Energy, Fp16LaneFactor = 1,
    };

    /// <summary>A GPU: its lanes are FP32 CUDA-core work; TF32 and FP16 tensor cores do 8× and 16× as much per cycle
    /// (A100: 19.5, 156 and 312 dense TFLOP/s; H100 SXM: 67, 495 and 989).</summary>
    public static AcceleratorConfig Gpu(string name, int sms, double clockMhz, double bandwidthGBs) => new(
        name, PeRows: sms, PeCols: 16, LanesPerPe: 8, clockMhz, BytesPerElement: 4,
        WeightBufferBytes: (long)sms * 128 * 1024, InputBufferBytes: (long)sms * 64 * 1024,
        OutputBufferBytes: (long)sms * 64 * 1024, bandwidthGBs, Fp32Energy, ZeroSkipEfficiency: 0, Tf32LaneFactor: 8, Fp16LaneFactor: 16);

    /// <summary>The dLAC presets, then one per GPU of <see cref="GpuTarget.Known"/> (its SMs, clock and bandwidth).</summary>
    public static IReadOnlyList<AcceleratorConfig> All { get; } =
    [
        Dlac,
        DlacFp16,
        .. GpuTarget.Known.Select(t => Gpu(t.Name, t.SmCount, t.ClockMhz!.Value, t.DramBandwidthGBs!.Value)),
    ];

    public static AcceleratorConfig? Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}
