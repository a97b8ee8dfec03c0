using DnnC.Runtime.Plan;
using DnnC.Simulator.Accelerator;

namespace DnnC.Simulator.Model;

/// <summary>
/// Cycles, traffic and energy of one kernel on a dLAC-style array. The formulas are in
/// runtime/DnnC.Simulator/README.md; each line below names the quantity it computes.
/// </summary>
public static class CycleModel
{
    public static LayerStats Model(PlanKernel kernel, KernelCensus census, AcceleratorConfig a)
    {
        // Tensor-core math and FP16 storage change the array's rate and element size for this kernel.
        a = a.For(kernel.Numerics);
        int index = int.TryParse(kernel.Name.AsSpan(1, Math.Max(0, kernel.Name.IndexOf('_') - 1)), out int i) ? i : 0;
        string layers = string.Join(" ", kernel.Layers);
        return census.Gemm is { } g
            ? Gemm(index, kernel, layers, g, census, a)
            : Vector(index, kernel, layers, census, a);
    }

    private static LayerStats Gemm(int index, PlanKernel kernel, string layers, GemmShape g, KernelCensus c, AcceleratorConfig a)
    {
        long rows = a.PeRows, cols = a.PeCols, lanes = a.LanesPerPe;
        long mFolds = Tiling.CeilDiv(g.M, rows), nFolds = Tiling.CeilDiv(g.N, cols), kSteps = Tiling.CeilDiv(g.K, lanes);
        long folds = g.Instances * mFolds * nFolds;
        // Folds stream back to back (double-buffered accumulators), so the systolic skew of
        // rows + cols - 2 cycles is paid once per GEMM instance; each fold then takes kSteps lane-wide steps.
        long fillCycles = g.Instances * (rows + cols - 2);
        long denseSteps = folds * kSteps;
        bool skipping = a.ZeroSkipEfficiency > 0;
        long skipped = skipping ? c.ZeroPairMacs : 0;
        double skipShare = c.Macs == 0 ? 0 : (double)skipped / c.Macs;
        long steps = (long)Math.Ceiling(denseSteps * (1 - a.ZeroSkipEfficiency * skipShare));
        long compute = fillCycles + steps;
        double mapping = g.Macs == 0 ? 0 : (double)g.Macs / (folds * rows * cols * kSteps * lanes);

        var tiling = Tiling.For(g, a);
        long inst = g.Instances;
        var weightDram = new Accesses(inst * tiling.WeightDramReads, 0);
        var inputDram = new Accesses(inst * tiling.InputDramReads, 0);
        var outputDram = new Accesses(0, inst * g.M * g.N);
        // Buffers: every weight is read once per column fold, every im2col input once per row fold;
        // accumulators are written once per K block and read back once per K block (merge or drain).
        var weightBuffer = new Accesses(inst * g.M * g.K * nFolds, weightDram.Reads);
        var inputBuffer = new Accesses(inst * g.K * g.N * mFolds, inputDram.Reads);
        var outputBuffer = new Accesses(inst * g.M * g.N * tiling.KBlocks, inst * g.M * g.N * tiling.KBlocks);
        return Finish(index, kernel, layers, g, c, skipped, compute, mapping, a,
            weightBuffer, inputBuffer, outputBuffer, weightDram, inputDram, outputDram);
    }

    /// <summary>Pooling, pointwise, softmax and data movement: element operations at the array's full width.</summary>
    private static LayerStats Vector(int index, PlanKernel kernel, string layers, KernelCensus c, AcceleratorConfig a)
    {
        long peak = a.PeakMacsPerCycle;
        long compute = Tiling.CeilDiv(c.Macs, peak);
        double mapping = compute == 0 ? 1 : (double)c.Macs / (compute * peak);
        var none = new Accesses(0, 0);
        var inputDram = new Accesses(c.InputElements, 0);
        var outputDram = new Accesses(0, c.OutputElements);
        return Finish(index, kernel, layers, null, c, 0, compute, mapping, a,
            none, new Accesses(c.InputElements, c.InputElements), new Accesses(c.OutputElements, c.OutputElements),
            none, inputDram, outputDram);
    }

    private static LayerStats Finish(int index, PlanKernel kernel, string layers, GemmShape? g, KernelCensus c, long skipped,
        long compute, double mapping, AcceleratorConfig a,
        Accesses weightBuffer, Accesses inputBuffer, Accesses outputBuffer, Accesses weightDram, Accesses inputDram, Accesses outputDram)
    {
        long dramWords = weightDram.Reads + inputDram.Reads + outputDram.Writes;
        // Double-buffered: transfers overlap compute; the array stalls only for what DRAM cannot hide.
        long dramCycles = (long)Math.Ceiling(dramWords * a.BytesPerElement / a.DramBytesPerCycle);
        long stall = Math.Max(0, dramCycles - compute);
        long issued = c.Macs - skipped;
        long peak = a.PeakMacsPerCycle;
        double computeUtil = compute == 0 ? 0 : (double)issued / (compute * peak);
        double overallUtil = compute + stall == 0 ? 0 : (double)issued / ((compute + stall) * peak);
        long bufferWords = weightBuffer.Reads + weightBuffer.Writes + inputBuffer.Reads + inputBuffer.Writes + outputBuffer.Reads + outputBuffer.Writes;
        return new LayerStats(
            index, kernel.Name, kernel.Spec.Template, layers, g, c.Macs,
            c.ZeroWeightOnlyMacs, c.ZeroActivationOnlyMacs, c.ZeroBothMacs, skipped, issued,
            compute, stall, mapping, computeUtil, overallUtil,
            weightBuffer, inputBuffer, outputBuffer, weightDram, inputDram, outputDram,
            MacEnergyPj: issued * a.Energy.MacPj,
            BufferEnergyPj: bufferWords * a.Energy.BufferAccessPj,
            DramEnergyPj: dramWords * a.Energy.DramAccessPj);
    }
}
