using System.Numerics.Tensors;
using DnnC.Runtime.Plan;

namespace DnnC.Simulator.Execution;

/// <summary>
/// GEMM as the plan defines it: out[b, m, n] = Σ_k A[b, m, k] · B[b, k, n] (+ bias[n]), then the epilogue.
/// B is read through the kernel's weight encoding; a ternary B multiplies by codes and scales each output column once.
/// </summary>
internal sealed class GemmKernel : GemmProblem
{
    private readonly GemmSpec _s;
    private readonly KernelContext _context;
    private readonly TensorRef _a, _b, _bias;
    private readonly float[]? _columnScales;
    private readonly EpilogueApplier _epilogue;

    private GemmKernel(GemmSpec spec, KernelContext context)
    {
        _s = spec;
        _context = context;
        _a = context.Arg(1);
        _b = context.Arg(PlanKernel.EncodedWeightArg);
        _columnScales = context.WeightScales;
        _bias = spec.HasBias ? context.Arg(3) : default;
        _epilogue = new EpilogueApplier(spec.Epilogue, spec.Operands, context, context.OutputShape);
    }

    public static void Run(GemmSpec spec, KernelContext context) => PackedGemm.Run(new GemmKernel(spec, context));

    public override int Batches => _s.Batch;
    public override int M => _s.M;
    public override int N => _s.N;
    public override int K => _s.K;

    public override void PackA(int batch, int m0, int mc, int k0, int kc, Span<float> dest)
    {
        const int mr = PackedGemm.MR;
        int strips = PackedGemm.CeilDiv(mc, mr);
        dest[..(strips * mr * kc)].Clear();
        for (int i = 0; i < mc; i++)
        {
            var row = _a.Slice(batch * _s.BatchStrideA + (long)(m0 + i) * _s.K + k0, kc);
            var strip = dest.Slice(i / mr * mr * kc);
            int r = i % mr;
            for (int kk = 0; kk < kc; kk++) strip[kk * mr + r] = row[kk];
        }
        _context.Load(dest[..(strips * mr * kc)]);
    }

    public override void PackB(int batch, int k0, int kc, int n0, int nc, Span<float> dest)
    {
        const int nr = PackedGemm.NR;
        int strips = PackedGemm.CeilDiv(nc, nr);
        if (nc % nr != 0) dest[..(strips * nr * kc)].Clear();
        long batchStart = batch * _s.BatchStrideB;
        for (int j = 0; j < strips; j++)
        {
            var strip = dest.Slice(j * nr * kc, nr * kc);
            int count = Math.Min(nr, nc - j * nr);
            if (_s.BTransposed)
            {
                // Weights stored [N, K]: each column of B is a contiguous row of the weight.
                for (int jj = 0; jj < count; jj++)
                {
                    var column = _b.Slice(batchStart + (long)(n0 + j * nr + jj) * _s.K + k0, kc);
                    for (int kk = 0; kk < kc; kk++) strip[kk * nr + jj] = column[kk];
                }
            }
            else
            {
                for (int kk = 0; kk < kc; kk++)
                    _b.Slice(batchStart + (long)(k0 + kk) * _s.N + n0 + j * nr, count).CopyTo(strip.Slice(kk * nr, count));
            }
        }
        _context.Load(dest[..(strips * nr * kc)]);
    }

    public override void StoreRow(int batch, int m, int n0, Span<float> row)
    {
        if (_columnScales is not null)
        {
            int scaleRow = _s.BatchStrideB == 0 ? 0 : batch;
            TensorPrimitives.Multiply(row, _columnScales.AsSpan(scaleRow * _s.N + n0, row.Length), row);
        }
        if (_s.HasBias) TensorPrimitives.Add(row, _bias.Slice(n0, row.Length), row);
        long flat = ((long)batch * _s.M + m) * _s.N + n0;
        _epilogue.Apply(row, flat);
        var output = _context.Output.WritableSlice(flat, row.Length);
        row.CopyTo(output);
        _context.Store(output);
    }
}
