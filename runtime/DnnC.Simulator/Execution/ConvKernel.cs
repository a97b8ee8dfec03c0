using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using DnnC.Runtime.Plan;

namespace DnnC.Simulator.Execution;

/// <summary>
/// Convolution, NCHW, as the plan defines it. Per (image, group) it is the implicit GEMM
/// out[Kg × Ho·Wo] = W[Kg × Cg·R·S] · X̂[Cg·R·S × Ho·Wo], where X̂ (im2col of the input, with padding,
/// dilation and the fused input shift) is never materialised: each Kc × Nc panel is gathered while
/// packing. Depthwise convs (one input and one output channel per group) with dense weights use a direct
/// kernel; encoded weights (2:4, ternary) always go through the GEMM, which reads them decoded from the blob (<see cref="WeightReader"/>).
/// </summary>
internal static class ConvKernel
{
    public static void Run(ConvSpec spec, KernelContext context)
    {
        if (spec.InputChannelsLast || spec.OutputChannelsLast)
        {
            RunChannelsLast(spec, context);
            return;
        }
        int cg = spec.C / spec.Groups, kg = spec.K / spec.Groups;
        bool dense = context.Kernel.Numerics.Encoding == WeightEncoding.Dense;
        if (dense && cg == 1 && kg == 1 && spec.InputShift == 0) RunDepthwise(spec, context);
        else PackedGemm.Run(new ConvProblem(spec, context));
    }

    /// <summary>
    /// A conv the layout pass made channels-last (the tensor-core convs' NHWC activations): the NHWC input is read back
    /// to NCHW, the conv runs as every other (its epilogue operands carry their own strides, NHWC ones included), and
    /// the finished, already rounded outputs are written channels-last. Only the order of the bytes changes.
    /// </summary>
    private static void RunChannelsLast(ConvSpec spec, KernelContext context)
    {
        var replaced = new Dictionary<int, TensorRef>();
        if (spec.InputChannelsLast)
        {
            var x = context.Arg(1);
            replaced[1] = new TensorRef(ChannelsLast.ToNchw(x.Slice(0, checked((int)x.Length)), spec.N, spec.H, spec.W, spec.C), 0, x.Length);
        }
        var output = context.Output;
        float[]? planar = spec.OutputChannelsLast ? new float[output.Length] : null;
        if (planar is not null) replaced[0] = new TensorRef(planar, 0, planar.Length);
        Run(spec with { InputChannelsLast = false, OutputChannelsLast = false }, context.With(replaced, [spec.N, spec.K, spec.Ho, spec.Wo]));
        if (planar is not null) ChannelsLast.ToNhwc(planar, spec.N, spec.K, spec.Ho, spec.Wo).CopyTo(output.Span);
    }

    private sealed class ConvProblem : GemmProblem
    {
        private readonly ConvSpec _s;
        private readonly KernelContext _context;
        private readonly TensorRef _x;
        private readonly TensorRef _bias;
        private readonly float[] _packedWeights;
        private readonly float[]? _filterScales;
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
            _packedWeights = WeightPanels.Get(context.Arg(PlanKernel.EncodedWeightArg), spec.Groups, _kg, _cg * spec.R * spec.S);
            _filterScales = context.WeightScales;
            _epilogue = new EpilogueApplier(spec.Epilogue, spec.Operands, context, context.OutputShape);
        }

        public override int Batches => _s.N * _s.Groups;
        public override int M => _kg;
        public override int N => _spatial;
        public override int K => _cg * _s.R * _s.S;

        public override float[]? PrepackedA(int batch, out long offset)
        {
            int group = batch % _s.Groups;
            offset = (long)group * PackedGemm.CeilDiv(_kg, PackedGemm.MR) * K * PackedGemm.MR;
            return _packedWeights;
        }

        public override void PackA(int batch, int m0, int mc, int k0, int kc, Span<float> dest) =>
            throw new InvalidOperationException("conv weights are always prepacked");

        public override void PackB(int batch, int k0, int kc, int n0, int nc, Span<float> dest)
        {
            const int nr = PackedGemm.NR;
            int image = batch / _s.Groups, group = batch % _s.Groups;
            int rs = _s.R * _s.S;
            if (nc % nr != 0) dest.Clear();
            for (int kk = 0; kk < kc; kk++)
            {
                int kr = k0 + kk;
                int c = kr / rs, r = kr % rs / _s.S, s = kr % _s.S;
                int channel = group * _cg + c;
                var (dh, dw) = _s.InputShift > 0 ? ShiftSpec.Offset(channel, _s.C, _s.InputShift) : (0, 0);
                var plane = _x.Slice(((long)image * _s.C + channel) * _plane, _plane);
                // Walk the columns in pieces that stay within one output row and one NR-wide strip.
                int done = 0;
                while (done < nc)
                {
                    int p = n0 + done;
                    int ho = p / _s.Wo, wo = p % _s.Wo;
                    int length = Math.Min(Math.Min(nc - done, _s.Wo - wo), nr - done % nr);
                    var piece = dest.Slice((done / nr * kc + kk) * nr + done % nr, length);
                    Gather(plane, ho, wo, r, s, dh, dw, piece);
                    done += length;
                }
            }
            _context.Load(dest[..(PackedGemm.CeilDiv(nc, nr) * nr * kc)]);
        }

        /// <summary>X̂ for output row <paramref name="ho"/>, columns wo.. of one tap (r, s), into <paramref name="piece"/>.</summary>
        private void Gather(ReadOnlySpan<float> plane, int ho, int wo, int r, int s, int dh, int dw, Span<float> piece)
        {
            int h = ho * _s.StrideH - _s.PadTop + r * _s.DilationH;
            // Padding is zero before the shift moves anything; the shifted tap must be inside too.
            if (h < 0 || h >= _s.H || h + dh < 0 || h + dh >= _s.H)
            {
                piece.Clear();
                return;
            }
            int length = piece.Length, sw = _s.StrideW;
            int w0 = wo * sw - _s.PadLeft + s * _s.DilationW;
            int lo = Math.Max(0, -dw), hi = Math.Min(_s.W, _s.W - dw);
            int tLo = Math.Clamp(CeilDiv(lo - w0, sw), 0, length);
            int tHi = Math.Clamp(CeilDiv(hi - w0, sw), tLo, length);
            piece[..tLo].Clear();
            piece[tHi..].Clear();
            // A piece wholly in the right padding of the last row would start past the plane's end.
            if (tHi == tLo) return;
            int source = (h + dh) * _s.W + w0 + dw;
            if (sw == 1) plane.Slice(source + tLo, tHi - tLo).CopyTo(piece[tLo..tHi]);
            else for (int t = tLo; t < tHi; t++) piece[t] = plane[source + t * sw];
        }

        public override void StoreRow(int batch, int m, int n0, Span<float> row)
        {
            int image = batch / _s.Groups, group = batch % _s.Groups;
            int channel = group * _kg + m;
            if (_filterScales is not null) TensorPrimitives.Multiply(row, _filterScales[channel], row);
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
