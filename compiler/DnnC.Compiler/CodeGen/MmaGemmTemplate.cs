using System.Globalization;
using DnnC.Runtime.Numerics;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Batched GEMM out[b, m, n] = Σ_k A[b, m, k] · B[b, k, n] on tensor cores (<see cref="MmaGemmSkeleton"/>). A is
/// row-major with K contiguous, so its K-tiles are 16-byte cp.async copies when K is a multiple of 8 halves (4 floats)
/// and A is stored in the tile's type. A constant B is stored as dense rows n of PaddedK (<see cref="EncodedWeightShape"/>
/// with <see cref="WeightEncoding.Dense"/>), copied the same way; a B computed at run time is gathered element by element
/// from its [K, N] (or transposed [N, K]) layout. Grid: (M tiles, N tiles, batch).
/// </summary>
internal static class MmaGemmTemplate
{
    public static bool Supports(PlanNumerics numerics) => MmaConvTemplate.Supports(numerics);

    public static LaunchConfig Launch(GemmSpec spec)
    {
        var tile = TileOf(spec);
        var launch = new LaunchConfig(TileChecks.Blocks(spec.M, tile.Mt, "gemm"), TileChecks.Blocks(spec.N, tile.Nt, "gemm"),
            spec.Batch, tile.Threads, 1, 1, 0);
        TileChecks.GridLimits(launch, "gemm");
        return launch;
    }

    public static string Emit(PlanKernel kernel, GemmSpec s, KernelPlan? plan)
    {
        GemmTemplate.Validate(s);
        var t = TileOf(s);
        bool fp16 = kernel.Numerics.Math == MathMode.Fp16TensorCore;
        ElementFormat? tileFormat = fp16 ? ElementFormat.Float16 : null;
        int epc = fp16 ? 8 : 4;
        int paddedK = (s.K + 15) / 16 * 16;
        bool rows = plan is null || plan.Storage(kernel.Args[2]).Encoded is { Encoding: WeightEncoding.Dense };
        bool vectorA = s.K % epc == 0 && s.BatchStrideA % epc == 0 && KernelArgs.Format(kernel, plan, 1) == tileFormat;
        bool vectorB = rows && KernelArgs.Format(kernel, plan, 2) == tileFormat;
        int fixedInputs = s.HasBias ? 3 : 2;
        string header = KernelArgs.Header(kernel, plan, t.Threads, KernelArgs.Required(fixedInputs, s.Operands),
            $"{(fp16 ? "FP16" : "TF32")} tensor-core gemm {s.Batch}x{s.M}x{s.N}x{s.K}{(s.BTransposed ? ", B transposed" : "")}, tile {t}");
        long bRows = s.BatchStrideB == 0 ? s.N : (long)s.Batch * s.N;
        string idx = CudaText.IndexType((long)s.Batch * s.M * s.N,
            (long)(s.Batch - 1) * s.BatchStrideA + (long)s.M * s.K, (long)(s.Batch - 1) * s.BatchStrideB + (long)s.K * s.N, bRows * paddedK);
        string setup = $$"""
                constexpr int K = {{s.K}}, PK = {{paddedK}};
                constexpr idx_t SA = {{s.BatchStrideA}}, SB = {{s.BatchStrideB}};
                const idx_t b = blockIdx.z;
                const idx_t brow = SB == 0 ? 0 : b * NG;
            """;
        const string aState = "    idx_t a_off[CH];";
        const string aInit = "            a_off[i] = b * SA + m * K;";
        var a = vectorA
            ? new MmaOperand(true, aState, aInit, """
                                      src = in0 + a_off[i] + kidx;
                                      ok = true;
                  """, "in0")
            : new MmaOperand(false, aState, aInit, "                        v = in0[a_off[i] + kk];", "in0");
        // B's row offset: padded weight rows, or the run-time B's [N, K] row or [K, N] column.
        const string bState = "    idx_t b_off[CH];";
        string bInit = rows ? "            b_off[i] = (brow + n) * PK;"
            : s.BTransposed ? "            b_off[i] = b * SB + (idx_t)n * K;" : "            b_off[i] = b * SB + n;";
        var bOperand = vectorB
            ? new MmaOperand(true, bState, bInit, """
                                      src = in1 + b_off[i] + kidx;
                                      ok = true;
                  """, "in1")
            : new MmaOperand(false, bState, bInit, rows || s.BTransposed
                ? "                        v = in1[b_off[i] + kk];"
                : "                        v = in1[b_off[i] + (idx_t)kk * NG];", "in1");
        var shape = GemmTemplate.OutputShape(kernel, s, plan);
        var (coordinates, names) = Epilogue.Coordinates("o", shape, "                    ", "d");
        string epilogue = s.Epilogue.Count == 0 ? "" : coordinates + Epilogue.Steps(s.Epilogue, s.Operands, names, "v", "                    ");
        string finish = $$"""
                                const idx_t o = (b * M + m) * (idx_t)NG + n;
            {{(s.HasBias ? "                    v += in2[n];\n" : "")}}{{epilogue}}                    out[o] = v;
            """;
        if (kernel.Numerics.Encoding == WeightEncoding.Sparse24)
            return MmaSparseSkeleton.Emit(header, idx, t, s.M.ToString(CultureInfo.InvariantCulture), s.N.ToString(CultureInfo.InvariantCulture),
                s.K.ToString(CultureInfo.InvariantCulture), paddedK, MmaConvTemplate.SparseMetadataByte(kernel, plan, (int)bRows, s.K), setup, a, "brow", finish);
        return MmaGemmSkeleton.Emit(header, idx, t, fp16, s.M.ToString(CultureInfo.InvariantCulture),
            s.N.ToString(CultureInfo.InvariantCulture), s.K.ToString(CultureInfo.InvariantCulture), setup, a, bOperand, finish);
    }

    private static MmaTile TileOf(GemmSpec s) => s.Mma ?? throw new ArgumentException("a tensor-core gemm needs its mma tile");
}
