using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Simulator.Execution;

/// <summary>
/// Slice, gather, pad and tile: data movement, one output row (last axis) per parallel task, the
/// row's source found once and its contiguous stretches block-copied. Bit-exact by construction.
/// </summary>
internal static class IndexingKernels
{
    public static void Run(SliceSpec s, KernelContext context)
    {
        var x = context.Arg(1);
        var inStrides = HostTensor.RowMajorStrides(s.InputShape);
        int rank = s.Sizes.Count, last = rank - 1;
        ForEachRow(s.Sizes, context, (coords, row) =>
        {
            long source = 0;
            for (int d = 0; d < rank; d++) source += (s.Starts[d] + (long)coords[d] * s.Steps[d]) * inStrides[d];
            long step = s.Steps[last];
            if (step == 1) x.Slice(source, row.Length).CopyTo(row);
            else for (int j = 0; j < row.Length; j++) row[j] = x[source + j * step];
        });
    }

    public static void Run(GatherSpec s, KernelContext context)
    {
        var x = context.Arg(1);
        var indices = context.Arg(2);
        // The GPU writes NaN for a bad index; here the run stops and says which.
        var rows = new int[s.Indices];
        for (int j = 0; j < s.Indices; j++)
        {
            double index = Math.Truncate(indices[j]);
            if (!(index >= -s.AxisLength && index < s.AxisLength))
                throw new ArgumentException($"gather index {indices[j]} is out of range for an axis of {s.AxisLength} (kernel {context.Kernel.Name})");
            rows[j] = index < 0 ? (int)index + s.AxisLength : (int)index;
        }
        Parallel.For(0, (long)s.Outer * s.Indices, task =>
        {
            long o = task / s.Indices;
            int j = (int)(task % s.Indices);
            var output = context.Output.WritableSlice(task * s.Inner, s.Inner);
            x.Slice((o * s.AxisLength + rows[j]) * s.Inner, s.Inner).CopyTo(output);
            context.Store(output);
        });
    }

    public static void Run(PadSpec s, KernelContext context)
    {
        var x = context.Arg(1);
        int rank = s.InputShape.Count, last = rank - 1;
        var inStrides = HostTensor.RowMajorStrides(s.InputShape);
        int length = s.InputShape[last], lead = s.Pads[last];
        ForEachRow(s.OutputShape, context, (coords, row) =>
        {
            long source = 0;
            for (int d = 0; d < last; d++)
            {
                int i = Source(s.Fill, coords[d] - s.Pads[d], s.InputShape[d]);
                if (i < 0)
                {
                    row.Fill(s.Value);
                    return;
                }
                source += i * inStrides[d];
            }
            var input = x.Slice(source, length);
            int lo = Math.Clamp(lead, 0, row.Length), hi = Math.Clamp(lead + length, lo, row.Length);
            input.Slice(lo - lead, hi - lo).CopyTo(row[lo..hi]);
            for (int j = 0; j < lo; j++) row[j] = Border(s, input, j - lead, length);
            for (int j = hi; j < row.Length; j++) row[j] = Border(s, input, j - lead, length);
        });
    }

    private static float Border(PadSpec s, ReadOnlySpan<float> input, int i, int length)
    {
        int source = Source(s.Fill, i, length);
        return source < 0 ? s.Value : input[source];
    }

    /// <summary>The input index position <paramref name="i"/> reads under a fill mode; -1 for the constant.</summary>
    private static int Source(PadFill fill, int i, int length)
    {
        if (i >= 0 && i < length) return i;
        return fill switch
        {
            PadFill.Constant => -1,
            PadFill.Edge => i < 0 ? 0 : length - 1,
            PadFill.Reflect => i < 0 ? -i : 2 * (length - 1) - i,
            PadFill.Wrap => (i % length + length) % length,
            _ => throw new ArgumentOutOfRangeException(nameof(fill)),
        };
    }

    public static void Run(TileSpec s, KernelContext context)
    {
        var x = context.Arg(1);
        int rank = s.InputShape.Count, last = rank - 1;
        var inStrides = HostTensor.RowMajorStrides(s.InputShape);
        int length = s.InputShape[last];
        ForEachRow(s.OutputShape, context, (coords, row) =>
        {
            long source = 0;
            for (int d = 0; d < last; d++) source += coords[d] % s.InputShape[d] * inStrides[d];
            var input = x.Slice(source, length);
            for (int at = 0; at < row.Length; at += length) input.CopyTo(row[at..]);
        });
    }

    /// <summary>
    /// Runs <paramref name="fill"/> on every row (last axis) of an output of <paramref name="shape"/>
    /// in parallel, with the row's coordinates on the other axes, then stores the row.
    /// </summary>
    internal static void ForEachRow(IReadOnlyList<int> shape, KernelContext context, RowAction fill)
    {
        int rank = shape.Count;
        int inner = rank == 0 ? 1 : shape[rank - 1];
        long rows = HostTensor.ElementCount(shape) / inner;
        Parallel.For(0, rows, () => new int[rank], (row, _, coords) =>
        {
            long rest = row;
            for (int d = rank - 2; d >= 0; d--)
            {
                coords[d] = (int)(rest % shape[d]);
                rest /= shape[d];
            }
            var output = context.Output.WritableSlice(row * inner, inner);
            fill(coords, output);
            context.Store(output);
            return coords;
        }, _ => { });
    }

    internal delegate void RowAction(int[] coords, Span<float> row);
}
