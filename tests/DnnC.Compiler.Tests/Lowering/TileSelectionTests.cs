using DnnC.Compiler.CodeGen;
using DnnC.Compiler.Lowering;
using DnnC.Compiler.Tests.CodeGen;
using DnnC.Runtime.Cuda;
using DnnC.Runtime.Plan;
using DnnC.Runtime.Targets;
using static DnnC.Compiler.Tests.CodeGen.TestPlans;

namespace DnnC.Compiler.Tests.Lowering;

/// <summary>
/// The tile step asks an occupancy oracle when it has one: a wave is SMs × resident blocks, so a tile whose grid
/// fills 132 blocks but not a real wave gives way to a smaller one. ptxas answers through the compile cache.
/// </summary>
public sealed class TileSelectionTests
{
    /// <summary>An oracle that answers from a table by tile, as ptxas would for fixed resources.</summary>
    private sealed class TableOracle(Func<GemmTile, KernelResources> table) : IKernelResourceOracle
    {
        public List<GemmTile> Asked { get; } = [];

        public KernelResources? Resources(KernelSpec spec, GpuTarget target)
        {
            var tile = ((ConvSpec)spec).Tile;
            Asked.Add(tile);
            return table(tile);
        }
    }

    private static ConvSpec ConvWith(GemmTile tile) => Conv(1, 64, 60, 64, 256, 1, 1, tile: tile);

    [Fact]
    public void Without_an_oracle_a_wave_is_one_block_per_sm()
    {
        // 60·64 = 3840 rows, 256 filters: 128×64 tiles give 30 × 4 = 120 blocks: one wave on 108 SMs, not on 132.
        Assert.Equal(TileSelection.Candidates[0], TileSelection.Choose(3840, 256, 64, GpuTarget.A100));
        Assert.Equal(TileSelection.Candidates[1], TileSelection.Choose(3840, 256, 64, GpuTarget.H100));
    }

    [Fact]
    public void With_an_oracle_a_wave_counts_every_resident_block()
    {
        // 256 threads at 64 registers: 4 blocks per SM, a wave of 432 blocks on an A100. 128×64 gives 120 blocks and 64×64
        // gives 240, both under a wave; 64×32 (128 threads at 16 registers: 16 per SM, a wave of 1728) gives 480, still
        // under; so does 32×32 (32 per SM): the step falls back to the smallest tile.
        var oracle = new TableOracle(t => new KernelResources(t.Threads, t.Threads >= 256 ? 64 : 16, 0));
        var tile = TileSelection.Choose(3840, 256, 64, GpuTarget.A100, ConvWith, oracle);
        Assert.Equal(TileSelection.Candidates[^1], tile);
        Assert.Equal(TileSelection.Candidates, oracle.Asked);

        // 1024 filters fill 4 blocks per SM with the biggest tile: 30 × 16 = 480 blocks ≥ 432.
        Assert.Equal(TileSelection.Candidates[0], TileSelection.Choose(3840, 1024, 64, GpuTarget.A100, ConvWith, oracle));
    }

    [NvrtcFact]
    public void Ptxas_reports_what_each_candidate_occupies_and_is_asked_once_per_question()
    {
        var cache = new CompileCache(Path.Combine(Path.GetTempPath(), "dnnc-tests", Guid.NewGuid().ToString("N")));
        var oracle = new PtxasResourceOracle(cache);
        foreach (var candidate in TileSelection.Candidates)
        {
            var resources = oracle.Resources(ConvWith(candidate), GpuTarget.H100);
            Assert.NotNull(resources);
            Assert.Equal(candidate.Threads, resources!.ThreadsPerBlock);
            Assert.InRange(resources.RegistersPerThread, 16, 255);
            Assert.True(resources.SharedBytesPerBlock > 0, "the implicit-GEMM skeleton stages its tiles in shared memory");
        }
        int compiles = oracle.Compiles;
        Assert.Equal(TileSelection.Candidates.Count, compiles);
        oracle.Resources(ConvWith(TileSelection.Candidates[0]), GpuTarget.H100);
        Assert.Equal(compiles, oracle.Compiles);

        // The choice it leads to fills a real wave, or is the smallest tile when none can.
        var chosen = TileSelection.Choose(3840, 1024, 64, GpuTarget.H100, ConvWith, oracle);
        var fit = Occupancy.Fit(GpuTarget.H100, oracle.Resources(ConvWith(chosen), GpuTarget.H100)!, 3840 / chosen.Mt * (1024 / chosen.Nt));
        Assert.True(fit.Waves >= 1 && (fit.Blocks >= fit.WaveBlocks || chosen == TileSelection.Candidates[^1]), $"{chosen}: {fit}");
        Assert.Null(oracle.Resources(new SoftmaxSpec(1, 10, 1), GpuTarget.H100));
    }
}
