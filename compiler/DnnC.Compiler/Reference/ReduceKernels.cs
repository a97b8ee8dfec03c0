using DnnC.Compiler.IR;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Reference;

/// <summary>Reductions over any set of axes.</summary>
internal static class ReduceKernels
{
    public static RefTensor Reduce(ReduceOp op, RefTensor x, int[] outShape)
    {
        // Every input element adds into the output element whose index drops (or zeroes) the reduced axes.
        var keptShape = x.Shape.Select((d, axis) => op.Axes.Contains(axis) ? 1 : d).ToArray();
        var target = RefTensor.BroadcastIndex(keptShape, x.Shape);
        int outCount = (int)RefTensor.Count(keptShape);
        var acc = new double[outCount];
        var count = new long[outCount];
        double initial = op.Kind switch
        {
            ReduceKind.Max => double.NegativeInfinity,
            ReduceKind.Min => double.PositiveInfinity,
            ReduceKind.Prod => 1,
            _ => 0,
        };
        Array.Fill(acc, initial);
        var maxes = op.Kind == ReduceKind.LogSumExp ? Reduce(op with { Kind = ReduceKind.Max, KeepDims = true }, x, keptShape).Data : null;
        for (int i = 0; i < x.Data.Length; i++)
        {
            int o = target[i];
            double v = x.Data[i];
            count[o]++;
            acc[o] = op.Kind switch
            {
                ReduceKind.Sum or ReduceKind.Mean => acc[o] + v,
                ReduceKind.Max => double.IsNaN(v) ? v : Math.Max(acc[o], v),
                ReduceKind.Min => double.IsNaN(v) ? v : Math.Min(acc[o], v),
                ReduceKind.Prod => acc[o] * v,
                ReduceKind.L1 => acc[o] + Math.Abs(v),
                ReduceKind.L2 or ReduceKind.SumSquare => acc[o] + v * v,
                ReduceKind.LogSum => acc[o] + v,
                ReduceKind.LogSumExp => acc[o] + Math.Exp(v - Finite(maxes![o])),
                _ => throw new ArgumentOutOfRangeException(nameof(op)),
            };
        }
        for (int o = 0; o < outCount; o++)
        {
            acc[o] = op.Kind switch
            {
                ReduceKind.Mean => acc[o] / count[o],
                ReduceKind.L2 => Math.Sqrt(acc[o]),
                ReduceKind.LogSum => Math.Log(acc[o]),
                ReduceKind.LogSumExp => Math.Log(acc[o]) + Finite(maxes![o]),
                _ => acc[o],
            };
        }
        return new RefTensor(outShape, acc);
    }

    /// <summary>The shift for log-sum-exp: the max, or 0 when the max is infinite (all -inf or an inf).</summary>
    private static double Finite(double max) => double.IsInfinity(max) ? 0 : max;
}
