using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DnnC.Simulator.Execution;

/// <summary>
/// A GEMM-shaped problem, C[b] (M×N) = A[b] (M×K) · B[b] (K×N), seen through the three things the
/// blocked driver needs: packing a block of A into MR-row strips, packing a block of B into
/// NR-column strips (for a conv this is where the implicit im2col happens, one panel at a time),
/// and storing finished rows of C (bias, epilogue, rounding).
/// </summary>
internal abstract class GemmProblem
{
    public abstract int Batches { get; }
    public abstract int M { get; }
    public abstract int N { get; }
    public abstract int K { get; }

    /// <summary>Rows [m0, m0+mc) × reduction [k0, k0+kc) of A into <paramref name="dest"/>: for each strip
    /// of <see cref="PackedGemm.MR"/> rows, kc groups of MR values (rows past M are zero).</summary>
    public abstract void PackA(int batch, int m0, int mc, int k0, int kc, Span<float> dest);

    /// <summary>
    /// A already packed for the whole problem (constant weights), or null to pack per block with
    /// <see cref="PackA"/>. Layout: from <paramref name="offset"/>, for each MR-row strip, K groups of MR values.
    /// </summary>
    public virtual float[]? PrepackedA(int batch, out long offset)
    {
        offset = 0;
        return null;
    }

    /// <summary>Reduction [k0, k0+kc) × columns [n0, n0+nc) of B into <paramref name="dest"/>: for each strip of
    /// <see cref="PackedGemm.NR"/> columns, kc groups of NR values (columns past N are zero).</summary>
    public abstract void PackB(int batch, int k0, int kc, int n0, int nc, Span<float> dest);

    /// <summary>Finishes row <paramref name="m"/>, columns [n0, n0 + row.Length): the full reduction is in <paramref name="row"/>.</summary>
    public abstract void StoreRow(int batch, int m, int n0, Span<float> row);
}

/// <summary>
/// The CPU GEMM engine, BLIS-style: B is gathered into Kc × Nc panels of NR-wide strips once per column
/// block (a bounded wave at a time) and shared by every row block; A comes prepacked (weights) or is
/// packed per block; MR × NR register tiles are computed with 256-bit FMAs; tiles are spread over
/// cores with Parallel.For. Accumulation is FP32.
/// </summary>
internal static unsafe class PackedGemm
{
    public const int MR = 6;
    public const int NR = 16;
    private const int KcMax = 256;

    /// <summary>Packed B panels are built a wave at a time so that the workspace stays bounded.</summary>
    private const long WaveBudgetFloats = 8L << 20;

    public static void Run(GemmProblem p)
    {
        int m = p.M, n = p.N, k = p.K;
        if (m == 0 || n == 0) return;
        int kc = Math.Min(Math.Max(k, 1), KcMax);
        int kBlocks = CeilDiv(Math.Max(k, 1), kc);
        int mc = Math.Min(RoundUp(m, MR), 240);
        int nc = Math.Min(RoundUp(n, NR), 256);
        int workers = Environment.ProcessorCount;
        long Tasks() => (long)p.Batches * CeilDiv(m, mc) * CeilDiv(n, nc);
        // Enough tasks to keep every core busy; B panels are shared, so smaller blocks cost little.
        while (Tasks() < 3 * workers && nc > 64) nc = RoundUp(nc / 2, NR);
        while (Tasks() < 3 * workers && mc > 4 * MR) mc = RoundUp(mc / 2, MR);
        int mBlocks = CeilDiv(m, mc), nBlocks = CeilDiv(n, nc);
        int ncPad = RoundUp(nc, NR);
        long panelFloats = (long)ncPad * kBlocks * kc;
        int panels = p.Batches * nBlocks;
        int perWave = (int)Math.Clamp(WaveBudgetFloats / panelFloats, 1, panels);
        // Pooled, not fresh: a new array per kernel is a large-object allocation per layer, and the
        // garbage collections it triggers made run times vary 4x. PackB writes every float it reads back.
        var packedB = ArrayPool<float>.Shared.Rent(checked((int)(perWave * panelFloats)));
        try
        {
        for (int wave = 0; wave < panels; wave += perWave)
        {
            int count = Math.Min(perWave, panels - wave);
            // Phase 1: gather each (column block, K block) panel of B once; every row block shares it.
            Parallel.For(0, count * kBlocks, job =>
            {
                int panel = job / kBlocks, kb = job % kBlocks;
                int batch = (wave + panel) / nBlocks, nb = (wave + panel) % nBlocks;
                int k0 = kb * kc, kcb = Math.Min(kc, k - k0);
                int n0 = nb * nc, ncb = Math.Min(nc, n - n0);
                var dest = packedB.AsSpan(checked((int)(panel * panelFloats + (long)kb * ncPad * kc)), CeilDiv(ncb, NR) * NR * kcb);
                p.PackB(batch, k0, kcb, n0, ncb, dest);
            });
            // Phase 2: every (row block, column block) tile of C.
            Parallel.For(0, count * mBlocks,
                () => new Workspace(mc, nc, kc),
                (job, _, ws) =>
                {
                    int panel = job / mBlocks, mb = job % mBlocks;
                    int batch = (wave + panel) / nBlocks, nb = (wave + panel) % nBlocks;
                    var block = new Block(batch, mb * mc, Math.Min(mc, m - mb * mc), nb * nc, Math.Min(nc, n - nb * nc), kc);
                    RunBlock(p, block, packedB, panel * panelFloats, ncPad, ws);
                    return ws;
                },
                ws => ws.Return());
        }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packedB);
        }
    }

    private readonly record struct Block(int Batch, int M0, int Mc, int N0, int Nc, int KcMax);

    /// <summary>One worker's packed A strip and C tile, pooled for the same reason as the B panels
    /// (RunBlock clears the C tile it uses and PackA writes the strip it reads).</summary>
    private sealed class Workspace(int mc, int nc, int kc)
    {
        public readonly float[] A = ArrayPool<float>.Shared.Rent(RoundUp(mc, MR) * kc);
        public readonly float[] C = ArrayPool<float>.Shared.Rent(RoundUp(mc, MR) * RoundUp(nc, NR));

        public void Return()
        {
            ArrayPool<float>.Shared.Return(A);
            ArrayPool<float>.Shared.Return(C);
        }
    }

    private static void RunBlock(GemmProblem p, Block blk, float[] packedB, long panelStart, int ncPad, Workspace ws)
    {
        int mStrips = CeilDiv(blk.Mc, MR), nStrips = CeilDiv(blk.Nc, NR);
        int ldc = nStrips * NR;
        ws.C.AsSpan(0, mStrips * MR * ldc).Clear();
        var prepacked = p.PrepackedA(blk.Batch, out long aBase);
        fixed (float* aPacked = prepacked)
        fixed (float* aScratch = ws.A)
        fixed (float* bAll = packedB)
        fixed (float* c = ws.C)
        {
            for (int kb = 0, k0 = 0; k0 < p.K; kb++, k0 += blk.KcMax)
            {
                int kc = Math.Min(blk.KcMax, p.K - k0);
                float* b = bAll + panelStart + (long)kb * ncPad * blk.KcMax;
                if (prepacked is null) p.PackA(blk.Batch, blk.M0, blk.Mc, k0, kc, ws.A.AsSpan(0, mStrips * MR * kc));
                // The B micro-panel (kc × NR) stays in L1 while the A strips stream past it.
                for (int j = 0; j < nStrips; j++)
                {
                    for (int i = 0; i < mStrips; i++)
                    {
                        float* a = prepacked is null
                            ? aScratch + i * MR * kc
                            : aPacked + aBase + ((long)(blk.M0 / MR + i) * p.K + k0) * MR;
                        Micro6x16(kc, a, b + j * NR * kc, c + i * MR * ldc + j * NR, ldc);
                    }
                }
            }
        }
        for (int i = 0; i < blk.Mc; i++) p.StoreRow(blk.Batch, blk.M0 + i, blk.N0, ws.C.AsSpan(i * ldc, blk.Nc));
    }

    /// <summary>C[6×16] += A-strip · B-strip over kc: twelve 8-wide accumulators held in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Micro6x16(int kc, float* a, float* b, float* c, int ldc)
    {
        var c00 = Vector256.Load(c); var c01 = Vector256.Load(c + 8);
        var c10 = Vector256.Load(c + ldc); var c11 = Vector256.Load(c + ldc + 8);
        var c20 = Vector256.Load(c + 2 * ldc); var c21 = Vector256.Load(c + 2 * ldc + 8);
        var c30 = Vector256.Load(c + 3 * ldc); var c31 = Vector256.Load(c + 3 * ldc + 8);
        var c40 = Vector256.Load(c + 4 * ldc); var c41 = Vector256.Load(c + 4 * ldc + 8);
        var c50 = Vector256.Load(c + 5 * ldc); var c51 = Vector256.Load(c + 5 * ldc + 8);
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var x = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
            a += MR;
            b += NR;
        }
        c00.Store(c); c01.Store(c + 8);
        c10.Store(c + ldc); c11.Store(c + ldc + 8);
        c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + 8);
        c30.Store(c + 3 * ldc); c31.Store(c + 3 * ldc + 8);
        c40.Store(c + 4 * ldc); c41.Store(c + 4 * ldc + 8);
        c50.Store(c + 5 * ldc); c51.Store(c + 5 * ldc + 8);
    }

    public static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;
    public static int CeilDiv(int x, int d) => (x + d - 1) / d;
}
