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
        var a = vectorA
            ? new MmaOperand(true, """
                                      src = in0 + b * SA + m * K + kidx;
                                      ok = true;
                  """, "in0")
            : new MmaOperand(false, "                        v = in0[b * SA + m * K + kk];", "in0");
        var bOperand = vectorB
            ? new MmaOperand(true, """
                                      src = in1 + (brow + n) * PK + kidx;
                                      ok = true;
                  """, "in1")
            : rows
                ? new MmaOperand(false, "                        v = in1[(brow + n) * PK + kk];", "in1")
                : new MmaOperand(false, s.BTransposed
                    ? "                        v = in1[b * SB + (idx_t)n * K + kk];"
                    : "                        v = in1[b * SB + (idx_t)kk * NG + n];", "in1");
        var shape = GemmTemplate.OutputShape(kernel, s, plan);
        var (coordinates, names) = Epilogue.Coordinates("o", shape, "                    ", "d");
        string epilogue = s.Epilogue.Count == 0 ? "" : coordinates + Epilogue.Steps(s.Epilogue, s.Operands, names, "v", "                    ");
        string finish = $$"""
                                const idx_t o = (b * M + m) * (idx_t)NG + n;
            {{(s.HasBias ? "                    v += in2[n];\n" : "")}}{{epilogue}}                    out[o] = v;
            """;
        return MmaGemmSkeleton.Emit(header, idx, t, fp16, s.M.ToString(CultureInfo.InvariantCulture),
            s.N.ToString(CultureInfo.InvariantCulture), s.K.ToString(CultureInfo.InvariantCulture), setup, a, bOperand, finish);
    }

    private static MmaTile TileOf(GemmSpec s) => s.Mma ?? throw new ArgumentException("a tensor-core gemm needs its mma tile");
}
