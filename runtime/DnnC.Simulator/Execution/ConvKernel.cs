using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using DnnC.Runtime.Plan;

namespace DnnC.Simulator.Execution;

/// <summary>
/// Convolution, NCHW, as the plan defines it. Per (image, group) it is the implicit GEMM
/// out[Kg × Ho·Wo] = W[Kg × Cg·R·S] · X̂[Cg·R·S × Ho·Wo], where X̂ (im2col of the input, with padding,
/// dilation and the fused input shift) is never materialised: each Kc × Nc panel is gathered while
/// packing. Depthwise convs (one input and one output channel per group) use a direct kernel.
/// </summary>
internal static class ConvKernel
{
    public static void Run(ConvSpec spec, KernelContext context)
    {
        int cg = spec.C / spec.Groups, kg = spec.K / spec.Groups;
        if (cg == 1 && kg == 1 && spec.InputShift == 0) RunDepthwise(spec, context);
        else PackedGemm.Run(new ConvProblem(spec, context));
    }

    private sealed class ConvProblem : GemmProblem
    {
        private readonly ConvSpec _s;
        private readonly KernelContext _context;
        private readonly TensorRef _x;
        private readonly TensorRef _bias;
        private readonly float[] _packedWeights;
        private readonly EpilogueApplier _epilogue;
        private readonly int _cg, _kg, _plane, _spatial;

        public ConvProblem(ConvSpec spec, KernelContext context)
        {
            _s = spec;
            _context = context;
            _cg = spec.C / spec.Groups;
            _kg = spec.K / spec.Groups;
            _plane = spec.H * spec.W;
            _spatial = spec.Ho * spec.Wo;
            _x = context.Arg(1);
            _bias = spec.HasBias ? context.Arg(3) : default;
            _packedWeights = WeightPanels.Get(context.Arg(2), spec.Groups, _kg, K);
            _epilogue = new EpilogueApplier(spec.Epilogue, spec.Operands, context, context.OutputShape);
        }

        public override int Batches => _s.N * _s.Groups;
        public override int M => _kg;
        public override int N => _spatial;
        public override int K => _cg * _s.R * _s.S;

        public override void PackA(int batch, int m0, int mc, int k0, int kc, Span<float> dest)
        {
            int group = batch % _s.Groups;
            int strips = PackedGemm.CeilDiv(mc, PackedGemm.MR), first = m0 / PackedGemm.MR;
            int stripsPerGroup = PackedGemm.CeilDiv(_kg, PackedGemm.MR);
            for (int i = 0; i < strips; i++)
            {
                long from = ((long)(group * stripsPerGroup + first + i) * K + k0) * PackedGemm.MR;
                _packedWeights.AsSpan(checked((int)from), kc * PackedGemm.MR).CopyTo(dest.Slice(i * kc * PackedGemm.MR));
            }
        }

        public override void PackB(int batch, int k0, int kc, int n0, int nc, Span<float> dest)
        {
            int image = batch / _s.Groups, group = batch % _s.Groups;
            int strips = PackedGemm.CeilDiv(nc, PackedGemm.NR);
            int rs = _s.R * _s.S;
            for (int kk = 0; kk < kc; kk++)
            {
                int kr = k0 + kk;
                int c = kr / rs, r = kr % rs / _s.S, s = kr % _s.S;
                int channel = group * _cg + c;
                var (dh, dw) = _s.InputShift > 0 ? ShiftSpec.Offset(channel, _s.C, _s.InputShift) : (0, 0);
                long planeStart = ((long)image * _s.C + channel) * _plane;
                var plane = _x.Slice(planeStart, _plane);
                for (int j = 0; j < strips; j++)
                {
                    int p0 = n0 + j * PackedGemm.NR;
                    int count = Math.Min(PackedGemm.NR, _spatial - p0);
                    var row = dest.Slice((j * kc + kk) * PackedGemm.NR, PackedGemm.NR);
                    GatherColumns(plane, r, s, dh, dw, p0, Math.Max(count, 0), row);
                    if (count < PackedGemm.NR) row[Math.Max(count, 0)..].Clear();
                }
            }
        }

        /// <summary>X̂[(c, r, s), p0 .. p0+count) for one input plane, walking output rows in segments.</summary>
        private void GatherColumns(ReadOnlySpan<float> plane, int r, int s, int dh, int dw, int p0, int count, Span<float> row)
        {
            int done = 0;
            while (done < count)
            {
                int p = p0 + done;
                int ho = p / _s.Wo, wo = p % _s.Wo;
                int length = Math.Min(count - done, _s.Wo - wo);
                var segment = row.Slice(done, length);
                int h = ho * _s.StrideH - _s.PadTop + r * _s.DilationH;
                // Padding is zero before the shift moves anything; the shifted tap must be inside too.
                if (h < 0 || h >= _s.H || h + dh < 0 || h + dh >= _s.H)
                {
                    segment.Clear();
                }
                else
                {
                    int w0 = wo * _s.StrideW - _s.PadLeft + s * _s.DilationW;
                    int sw = _s.StrideW;
                    int lo = Math.Max(0, -dw), hi = Math.Min(_s.W, _s.W - dw);
                    int tLo = Math.Clamp(CeilDiv(lo - w0, sw), 0, length);
                    int tHi = Math.Clamp(CeilDiv(hi - w0, sw), tLo, length);
                    segment[..tLo].Clear();
                    segment[tHi..].Clear();
                    int source = (h + dh) * _s.W + w0 + dw;
                    if (sw == 1) plane.Slice(source + tLo, tHi - tLo).CopyTo(segment[tLo..tHi]);
                    else for (int t = tLo; t < tHi; t++) segment[t] = plane[source + t * sw];
                }
                done += length;
            }
        }

        public override void StoreRow(int batch, int m, int n0, Span<float> row)
        {
            int image = batch / _s.Groups, group = batch % _s.Groups;
            int channel = group * _kg + m;
            if (_s.HasBias) TensorPrimitives.Add(row, _bias[channel], row);
            long flat = ((long)image * _s.K + channel) * _spatial + n0;
            _epilogue.Apply(row, flat);
            var output = _context.Output.WritableSlice(flat, row.Length);
            row.CopyTo(output);
            _context.Store(output);
        }
    }

    private static void RunDepthwise(ConvSpec s, KernelContext context)
    {
        var x = context.Arg(1);
        var w = context.Arg(2);
        var bias = s.HasBias ? context.Arg(3) : default;
        var epilogue = new EpilogueApplier(s.Epilogue, s.Operands, context, context.OutputShape);
        int spatial = s.Ho * s.Wo, plane = s.H * s.W;
        Parallel.For(0, s.N * s.C, index =>
        {
            int channel = index % s.C;
            var input = x.Slice((long)index * plane, plane);
            var output = context.Output.WritableSlice((long)index * spatial, spatial);
            output.Fill(s.HasBias ? bias[channel] : 0f);
            for (int r = 0; r < s.R; r++)
                for (int c = 0; c < s.S; c++)
                    AccumulateTap(s, input, output, w[(long)channel * s.R * s.S + r * s.S + c], r, c);
            epilogue.Apply(output, (long)index * spatial);
            context.Store(output);
        });
    }

    /// <summary>output += weight · (input shifted by tap (r, c)), row by row over the valid output range.</summary>
    private static void AccumulateTap(ConvSpec s, ReadOnlySpan<float> input, Span<float> output, float weight, int r, int c)
    {
        int dx = c * s.DilationW - s.PadLeft;
        int woLo = Math.Clamp(CeilDiv(-dx, s.StrideW), 0, s.Wo);
        int woHi = Math.Clamp(CeilDiv(s.W - dx, s.StrideW), woLo, s.Wo);
        if (woHi <= woLo) return;
        for (int ho = 0; ho < s.Ho; ho++)
        {
            int h = ho * s.StrideH - s.PadTop + r * s.DilationH;
            if (h < 0 || h >= s.H) continue;
            var outRow = output.Slice(ho * s.Wo, s.Wo);
            int start = h * s.W + woLo * s.StrideW + dx;
            if (s.StrideW == 1)
            {
                var dst = outRow[woLo..woHi];
                TensorPrimitives.MultiplyAdd(input.Slice(start, woHi - woLo), weight, dst, dst);
            }
            else
            {
                for (int wo = woLo; wo < woHi; wo++, start += s.StrideW) outRow[wo] += weight * input[start];
            }
        }
    }

    /// <summary>Ceiling division that is correct for negative numerators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CeilDiv(int a, int b) => a >= 0 ? (a + b - 1) / b : -(-a / b);
}
