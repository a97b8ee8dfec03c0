using System.Numerics.Tensors;
using DnnC.Runtime.Plan;

namespace DnnC.Simulator.Execution;

/// <summary>
/// Reduction over any axes: the reduced elements of each output are gathered through precomputed
/// offsets (read in place when they are contiguous) and reduced with TensorPrimitives, outputs spread over cores.
/// </summary>
internal static class ReduceKernel
{
    private const long Work = 16384;

    public static void Run(ReduceSpec s, KernelContext context)
    {
        var x = context.Arg(1);
        var (kept, reduced) = s.Split();
        int length = checked((int)s.Length);
        var offsets = new long[length];
        for (int r = 0; r < length; r++) offsets[r] = Offset(r, reduced);
        bool contiguous = reduced.Count == 0 || (reduced.Count == 1 && reduced[0].Stride == 1);
        var output = context.Output;
        // Outputs in chunks of about Work elements each, so short reductions are not one task apiece.
        long perChunk = Math.Max(1, Work / length);
        long chunks = (s.Outputs + perChunk - 1) / perChunk;
        Parallel.For(0, chunks, chunk =>
        {
            long end = Math.Min(s.Outputs, (chunk + 1) * perChunk);
            for (long o = chunk * perChunk; o < end; o++)
            {
                long start = Offset(o, kept);
                ReadOnlySpan<float> values;
                if (contiguous) values = x.Slice(start, length);
                else
                {
                    var gathered = Scratch.GetWork(length);
                    for (int r = 0; r < length; r++) gathered[r] = x[start + offsets[r]];
                    values = gathered;
                }
                output.Data[output.Offset + o] = Reduce(s.Kind, values);
            }
        });
        context.Store(output.Span);
    }

    private static float Reduce(ReduceKind kind, ReadOnlySpan<float> values) => kind switch
    {
        ReduceKind.Sum => TensorPrimitives.Sum(values),
        ReduceKind.Mean => TensorPrimitives.Sum(values) / values.Length,
        ReduceKind.Max => TensorPrimitives.Max(values),
        ReduceKind.Min => TensorPrimitives.Min(values),
        ReduceKind.Prod => TensorPrimitives.Product(values),
        ReduceKind.L1 => TensorPrimitives.SumOfMagnitudes(values),
        ReduceKind.L2 => MathF.Sqrt(TensorPrimitives.SumOfSquares(values)),
        ReduceKind.SumSquare => TensorPrimitives.SumOfSquares(values),
        ReduceKind.LogSum => MathF.Log(TensorPrimitives.Sum(values)),
        ReduceKind.LogSumExp => LogSumExp(values),
        _ => throw new NotSupportedException($"reduction {kind}"),
    };

    /// <summary>log Σ exp(x − m) + m with m the max, or 0 when the max is infinite (as the reference shifts).</summary>
    private static float LogSumExp(ReadOnlySpan<float> values)
    {
        float max = TensorPrimitives.Max(values);
        float shift = float.IsInfinity(max) ? 0 : max;
        var work = Scratch.Get(values.Length).AsSpan(0, values.Length);
        TensorPrimitives.Subtract(values, shift, work);
        TensorPrimitives.Exp(work, work);
        return MathF.Log(TensorPrimitives.Sum(work)) + shift;
    }

    private static long Offset(long flat, List<(int Size, long Stride)> dims)
    {
        long offset = 0;
        for (int d = dims.Count - 1; d >= 0; d--)
        {
            offset += flat % dims[d].Size * dims[d].Stride;
            flat /= dims[d].Size;
        }
        return offset;
    }
}
