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

    /// <summary>Reduction [k0, k0+kc) × columns [n0, n0+nc) of B into <paramref name="dest"/>: for each strip of
    /// <see cref="PackedGemm.NR"/> columns, kc groups of NR values (columns past N are zero).</summary>
    public abstract void PackB(int batch, int k0, int kc, int n0, int nc, Span<float> dest);

    /// <summary>Finishes row <paramref name="m"/>, columns [n0, n0 + row.Length): the full reduction is in <paramref name="row"/>.</summary>
    public abstract void StoreRow(int batch, int m, int n0, Span<float> row);
}

/// <summary>
/// The CPU GEMM engine: BLIS-style blocking (Kc × Nc panels of B packed per task, MR × NR register
/// tiles computed with 256-bit FMAs), tasks spread over cores with Parallel.For. Accumulation is FP32.
/// </summary>
internal static unsafe class PackedGemm
{
    public const int MR = 6;
    public const int NR = 16;
    private const int KcMax = 256;

    public static void Run(GemmProblem p)
    {
        int m = p.M, n = p.N, k = p.K;
        if (m == 0 || n == 0) return;
        int mc = Math.Min(RoundUp(m, MR), 240);
        int nc = Math.Min(RoundUp(n, NR), 256);
        int kc = Math.Min(Math.Max(k, 1), KcMax);
        int workers = Environment.ProcessorCount;
        long Tasks() => (long)p.Batches * CeilDiv(m, mc) * CeilDiv(n, nc);
        // Enough tasks to keep every core busy, without shrinking panels below what amortises packing.
        while (Tasks() < 3 * workers && nc > 64) nc = RoundUp(nc / 2, NR);
        while (Tasks() < 3 * workers && mc > 4 * MR) mc = RoundUp(mc / 2, MR);
        int mBlocks = CeilDiv(m, mc), nBlocks = CeilDiv(n, nc);
        int tasks = checked((int)Tasks());

        var options = new ParallelOptions { MaxDegreeOfParallelism = tasks == 1 ? 1 : -1 };
        Parallel.For(0, tasks, options,
            () => new Workspace(mc, nc, kc),
            (task, _, ws) =>
            {
                int nb = task % nBlocks, rest = task / nBlocks;
                int mb = rest % mBlocks, batch = rest / mBlocks;
                RunBlock(p, batch, mb * mc, Math.Min(mc, m - mb * mc), nb * nc, Math.Min(nc, n - nb * nc), kc, ws);
                return ws;
            },
            _ => { });
    }

    private sealed class Workspace(int mc, int nc, int kc)
    {
        public readonly float[] A = new float[RoundUp(mc, MR) * kc];
        public readonly float[] B = new float[RoundUp(nc, NR) * kc];
        public readonly float[] C = new float[RoundUp(mc, MR) * RoundUp(nc, NR)];
    }

    private static void RunBlock(GemmProblem p, int batch, int m0, int mc, int n0, int nc, int kcMax, Workspace ws)
    {
        int mStrips = CeilDiv(mc, MR), nStrips = CeilDiv(nc, NR);
        int ldc = nStrips * NR;
        ws.C.AsSpan(0, mStrips * MR * ldc).Clear();
        fixed (float* a = ws.A)
        fixed (float* b = ws.B)
        fixed (float* c = ws.C)
        {
            for (int k0 = 0; k0 < p.K; k0 += kcMax)
            {
                int kc = Math.Min(kcMax, p.K - k0);
                p.PackA(batch, m0, mc, k0, kc, ws.A.AsSpan(0, mStrips * MR * kc));
                p.PackB(batch, k0, kc, n0, nc, ws.B.AsSpan(0, nStrips * NR * kc));
                // The B micro-panel (kc × NR) stays in L1 while the A strips stream past it.
                for (int j = 0; j < nStrips; j++)
                    for (int i = 0; i < mStrips; i++)
                        Micro6x16(kc, a + i * MR * kc, b + j * NR * kc, c + i * MR * ldc + j * NR, ldc);
            }
        }
        for (int i = 0; i < mc; i++) p.StoreRow(batch, m0 + i, n0, ws.C.AsSpan(i * ldc, nc));
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
