using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Simulator.Execution;

/// <summary>
/// Resize from the spec's tap tables, one output row per parallel task: the taps of the outer axes
/// are combined once per row into (offset, weight) corners, then each element of the row blends its
/// last-axis taps through them, in FP32 like the kernel. Taps of weight 0 are skipped, as the reference does.
/// </summary>
internal static class ResizeKernel
{
    public static void Run(ResizeSpec s, KernelContext context)
    {
        var x = context.Arg(1);
        int rank = s.InputShape.Count, last = rank - 1, taps = s.Taps;
        var inStrides = HostTensor.RowMajorStrides(s.InputShape);
        var offsets = Enumerable.Range(0, rank).Select(s.Offset).ToArray();
        IndexingKernels.ForEachRow(s.OutputShape, context, (coords, row) =>
        {
            var corners = new List<(long Offset, float Weight)> { (0, 1f) };
            for (int d = 0; d < last; d++)
            {
                int e = (offsets[d] + coords[d]) * taps;
                if (s.Index[e] < 0)
                {
                    row.Fill(s.Extrapolation);
                    return;
                }
                var next = new List<(long, float)>(corners.Count * taps);
                foreach (var (offset, weight) in corners)
                    for (int k = 0; k < taps; k++)
                        if (s.Weight[e + k] != 0) next.Add((offset + s.Index[e + k] * inStrides[d], weight * s.Weight[e + k]));
                corners = next;
            }
            for (int j = 0; j < row.Length; j++)
            {
                int e = (offsets[last] + j) * taps;
                if (s.Index[e] < 0)
                {
                    row[j] = s.Extrapolation;
                    continue;
                }
                float sum = 0;
                foreach (var (offset, weight) in corners)
                    for (int k = 0; k < taps; k++)
                        if (s.Weight[e + k] != 0) sum += weight * s.Weight[e + k] * x[offset + s.Index[e + k]];
                row[j] = sum;
            }
        });
    }
}
