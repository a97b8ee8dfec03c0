using DnnC.Runtime.Plan;

namespace DnnC.Simulator.Execution;

/// <summary>
/// Resize from the spec's tap tables, one output row per parallel task: the corners of the outer
/// axes (one per axis for nearest, two for linear) are combined once per row into (offset, weight)
/// pairs, then each element of the row blends its last-axis taps through them, in FP32 like the kernel.
/// </summary>
internal static class ResizeKernel
{
    public static void Run(ResizeSpec s, KernelContext context)
    {
        var x = context.Arg(1);
        int rank = s.InputShape.Count, last = rank - 1;
        var inStrides = IndexingKernels.RowMajor(s.InputShape);
        var offsets = Enumerable.Range(0, rank).Select(s.Offset).ToArray();
        IndexingKernels.ForEachRow(s.OutputShape, context, (coords, row) =>
        {
            var corners = new List<(long Offset, float Weight)> { (0, 1f) };
            for (int d = 0; d < last; d++)
            {
                int at = offsets[d] + coords[d];
                if (s.Lower[at] < 0)
                {
                    row.Fill(s.Extrapolation);
                    return;
                }
                corners = Split(corners, s, at, inStrides[d]);
            }
            int rowStart = offsets[last];
            for (int j = 0; j < row.Length; j++)
            {
                int at = rowStart + j;
                if (s.Lower[at] < 0)
                {
                    row[j] = s.Extrapolation;
                    continue;
                }
                float t = s.Linear ? s.UpperWeight[at] : 0;
                float sum = 0;
                foreach (var (offset, weight) in corners)
                {
                    float lower = x[offset + s.Lower[at]];
                    sum += t == 0 ? weight * lower : weight * ((1 - t) * lower + t * x[offset + s.Upper[at]]);
                }
                row[j] = sum;
            }
        });
    }

    /// <summary>Each corner becomes its lower and (linear, weighted) upper tap along one more axis.</summary>
    private static List<(long, float)> Split(List<(long Offset, float Weight)> corners, ResizeSpec s, int at, long stride)
    {
        float t = s.Linear ? s.UpperWeight[at] : 0;
        var next = new List<(long, float)>(corners.Count * 2);
        foreach (var (offset, weight) in corners)
        {
            next.Add((offset + s.Lower[at] * stride, weight * (1 - t)));
            if (t != 0) next.Add((offset + s.Upper[at] * stride, weight * t));
        }
        return next;
    }
}
