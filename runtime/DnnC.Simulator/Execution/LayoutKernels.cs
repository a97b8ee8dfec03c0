using DnnC.Runtime.Plan;

namespace DnnC.Simulator.Execution;

/// <summary>Data movement: transpose, concat and the standalone shift. Bit-exact by construction.</summary>
internal static class LayoutKernels
{
    public static void Run(TransposeSpec s, KernelContext context)
    {
        var x = context.Arg(1);
        int rank = s.Perm.Count;
        var inStrides = new long[rank];
        long stride = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            inStrides[d] = stride;
            stride *= s.InputShape[d];
        }
        var outShape = s.Perm.Select(p => s.InputShape[p]).ToArray();
        // Input stride of each output axis, so the output is written in order while the input is gathered.
        var gather = s.Perm.Select(p => inStrides[p]).ToArray();
        int inner = outShape[rank - 1];
        long rows = context.Output.Length / Math.Max(inner, 1);
        Parallel.For(0, rows, row =>
        {
            long rest = row, source = 0;
            for (int d = rank - 2; d >= 0; d--)
            {
                source += rest % outShape[d] * gather[d];
                rest /= outShape[d];
            }
            var output = context.Output.WritableSlice(row * inner, inner);
            long step = gather[rank - 1];
            for (int i = 0; i < inner; i++) output[i] = x[source + i * step];
            context.Store(output);
        });
    }

    public static void Run(ConcatSpec s, KernelContext context)
    {
        int total = s.AxisSizes.Sum();
        Parallel.For(0, s.Outer, outer =>
        {
            long at = (long)outer * total * s.Inner;
            for (int i = 0; i < s.AxisSizes.Count; i++)
            {
                int length = s.AxisSizes[i] * s.Inner;
                var output = context.Output.WritableSlice(at, length);
                context.Arg(i + 1).Slice((long)outer * length, length).CopyTo(output);
                context.Store(output);
                at += length;
            }
        });
    }

    public static void Run(ShiftSpec s, KernelContext context)
    {
        var x = context.Arg(1);
        int plane = s.H * s.W;
        Parallel.For(0, s.N * s.C, index =>
        {
            var (dh, dw) = ShiftSpec.Offset(index % s.C, s.C, s.Kernel);
            var input = x.Slice((long)index * plane, plane);
            var output = context.Output.WritableSlice((long)index * plane, plane);
            int wLo = Math.Max(0, -dw), wHi = Math.Min(s.W, s.W - dw);
            for (int h = 0; h < s.H; h++)
            {
                var row = output.Slice(h * s.W, s.W);
                int source = h + dh;
                if (source < 0 || source >= s.H || wHi <= wLo)
                {
                    row.Clear();
                    continue;
                }
                row[..wLo].Clear();
                row[wHi..].Clear();
                input.Slice(source * s.W + wLo + dw, wHi - wLo).CopyTo(row[wLo..wHi]);
            }
            context.Store(output);
        });
    }
}
