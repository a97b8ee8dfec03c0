using DnnC.Compiler.CodeGen;
using DnnC.Compiler.Lowering;
using DnnC.Runtime.Targets;
using DnnC.Runtime.Plan;
using static DnnC.Compiler.Tests.CodeGen.TestPlans;

namespace DnnC.Compiler.Tests.CodeGen;

public sealed class LaunchAndTileTests
{
    private static GpuTarget Sms(int count) => GpuTarget.H100 with { SmCount = count };

    [Fact]
    public void ChooseTilePicksTheLargestTileThatFillsTheSms()
    {
        Assert.Equal(TileSelection.Candidates[1], TileSelection.Choose(56 * 56, 256, 576, Sms(132))); // 128x64: 25 x 4 = 100 < 132
        Assert.Equal(TileSelection.Candidates[0], TileSelection.Choose(128 * 33, 128, 64, Sms(66)));
        Assert.Equal(TileSelection.Candidates[1], TileSelection.Choose(64 * 33, 128, 64, Sms(66)));
        Assert.Equal(TileSelection.Candidates[3], TileSelection.Choose(10, 10, 10, Sms(132)));
        Assert.Throws<ArgumentException>(() => TileSelection.Choose(0, 1, 1, Sms(1)));
    }

    [Fact]
    public void ChosenTileAlwaysGivesAWaveWhenAnyCandidateCan()
    {
        var random = new Random(42);
        for (int i = 0; i < 500; i++)
        {
            long m = random.Next(1, 200_000);
            int n = random.Next(1, 2048), sms = random.Next(20, 140);
            var tile = TileSelection.Choose(m, n, 64, Sms(sms));
            long Blocks(GemmTile t) => (m + t.Mt - 1) / t.Mt * ((n + t.Nt - 1) / t.Nt);
            bool anyFills = TileSelection.Candidates.Any(t => Blocks(t) >= sms);
            if (anyFills) Assert.True(Blocks(tile) >= sms);
            int index = TileSelection.Candidates.ToList().IndexOf(tile);
            Assert.All(TileSelection.Candidates.Take(index), larger => Assert.True(Blocks(larger) < sms));
        }
    }

    [Fact]
    public void ConvGridCoversEveryOutputOnce()
    {
        var spec = Conv(2, 32, 9, 11, 48, 3, 3, pad: 1, groups: 4, tile: TileSelection.Candidates[0]);
        var launch = KernelTemplates.Launch(spec);
        Assert.Equal((2 * 9 * 11 + 127) / 128, launch.GridX);
        Assert.Equal(1, launch.GridY); // 12 channels per group fit one 64-wide tile
        Assert.Equal(4, launch.GridZ);
        Assert.Equal(spec.Tile.Threads, launch.ThreadsPerBlock);
    }

    [Fact]
    public void DepthwiseGridHasOneBlockPerTilePerPlane()
    {
        var spec = Conv(3, 8, 40, 33, 8, 3, 3, pad: 1, groups: 8, algorithm: ConvAlgorithm.Depthwise);
        var launch = KernelTemplates.Launch(spec);
        Assert.Equal(3 * 3, launch.GridX); // ceil(40/16) x ceil(33/16)
        Assert.Equal((8, 3), (launch.GridY, launch.GridZ));
        Assert.Equal(256, launch.ThreadsPerBlock);
    }

    [Fact]
    public void GemmGridRunsColumnsOnXAndBatchOnZ()
    {
        var spec = new GemmSpec(6, 37, 29, 71, 0, 0, false, false, [], [], TileSelection.Candidates[2]);
        Assert.Equal(new LaunchConfig(1, 1, 6, 128, 1, 1, 0), KernelTemplates.Launch(spec));
    }

    [Fact]
    public void ElementwiseGridCoversTheTensor()
    {
        var launch = KernelTemplates.Launch(new PointwiseSpec([3, 1000], [], [new PlanOperand(1, [1000, 1])]));
        Assert.True(launch.Blocks * launch.ThreadsPerBlock >= 3000);
        Assert.Equal(new LaunchConfig(7, 1, 1, 32, 1, 1, 0), KernelTemplates.Launch(new SoftmaxSpec(7, 20, 1)));
    }

    [Fact]
    public void InconsistentSpecsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => KernelTemplates.Launch(Conv(1, 6, 5, 5, 8, 3, 3, groups: 4)));
        Assert.Throws<ArgumentException>(() => KernelTemplates.Launch(Conv(1, 6, 5, 5, 8, 3, 3, shift: 3)));
        Assert.Throws<ArgumentException>(() => KernelTemplates.Launch(Conv(1, 6, 5, 5, 6, 1, 1, shift: 2)));
        Assert.Throws<ArgumentException>(() => KernelTemplates.Launch(
            Conv(1, 6, 5, 5, 8, 3, 3, groups: 6, algorithm: ConvAlgorithm.Depthwise)));
        Assert.Throws<ArgumentException>(() => KernelTemplates.Launch(
            Conv(1, 6, 5, 5, 8, 1, 1, tile: new GemmTile(64, 64, 8, 3, 4))));
        Assert.Throws<ArgumentException>(() => KernelTemplates.Launch(new TransposeSpec([2, 3], [0, 0])));
        Assert.Throws<ArgumentException>(() => KernelTemplates.Launch(new ShiftSpec(1, 9, 4, 4, 2)));
    }

    [Fact]
    public void MissingArgumentsAndBadOperandsAreRejected()
    {
        var spec = Conv(1, 4, 5, 5, 8, 3, 3, bias: true);
        var kernel = new PlanKernel("k0", spec, [0, 1, 2], [], KernelTemplates.Launch(spec)); // no bias argument
        Assert.Throws<ArgumentException>(() => KernelTemplates.Emit(kernel));

        var withOperand = Conv(1, 4, 5, 5, 8, 3, 3, epilogue: [new BinaryStep(BinaryKind.Add, 0)],
            operands: [new PlanOperand(3, [0, 1, 0])]); // 3 strides for a rank-4 output
        var bad = new PlanKernel("k1", withOperand, [0, 1, 2, 3], [], KernelTemplates.Launch(withOperand));
        Assert.Throws<ArgumentException>(() => KernelTemplates.Emit(bad));

        var missingOperand = withOperand with { Epilogue = [new BinaryStep(BinaryKind.Add, 1)] };
        var bad2 = new PlanKernel("k2", missingOperand, [0, 1, 2, 3], [], KernelTemplates.Launch(missingOperand));
        Assert.Throws<ArgumentException>(() => KernelTemplates.Emit(bad2));
    }
}
