using System.Numerics.Tensors;
using DnnC.Runtime.Plan;

namespace DnnC.Simulator.Execution;

/// <summary>Layer and instance normalization, log-softmax and LRN, one row (or plane) per parallel task, vectorised within it.</summary>
internal static class NormalizationKernels
{
    public static void Run(LayerNormSpec s, KernelContext context)
    {
        int columns = checked((int)s.Columns);
        var scale = Broadcast(s.Scale, s.NormalizedShape, context);
        var bias = s.Bias is null ? null : Broadcast(s.Bias, s.NormalizedShape, context);
        var x = context.Arg(1);
        Parallel.For(0, s.Rows, row =>
        {
            var y = Normalize(x.Slice((long)row * columns, columns), context.Output.WritableSlice((long)row * columns, columns), s.Epsilon);
            TensorPrimitives.Multiply(y, scale, y);
            if (bias is not null) TensorPrimitives.Add(y, bias, y);
            context.Store(y);
        });
    }

    public static void Run(InstanceNormSpec s, KernelContext context)
    {
        var x = context.Arg(1);
        var scale = context.Arg(2);
        var bias = context.Arg(3);
        Parallel.For(0, s.N * s.C, plane =>
        {
            int c = plane % s.C;
            var y = Normalize(x.Slice((long)plane * s.Spatial, s.Spatial), context.Output.WritableSlice((long)plane * s.Spatial, s.Spatial), s.Epsilon);
            TensorPrimitives.Multiply(y, scale[c], y);
            TensorPrimitives.Add(y, bias[c], y);
            context.Store(y);
        });
    }

    /// <summary>y = (x − mean) / √(var + ε) with the population variance, both moments in float64 and two-pass.</summary>
    private static Span<float> Normalize(ReadOnlySpan<float> x, Span<float> y, float epsilon)
    {
        double sum = 0;
        foreach (float v in x) sum += v;
        float mean = (float)(sum / x.Length);
        TensorPrimitives.Subtract(x, mean, y);
        double squares = 0;
        foreach (float d in y) squares += (double)d * d;
        TensorPrimitives.Multiply(y, (float)(1 / Math.Sqrt(squares / x.Length + epsilon)), y);
        return y;
    }

    /// <summary>A parameter expanded to one value per normalized column through its strides.</summary>
    private static float[] Broadcast(PlanOperand operand, IReadOnlyList<int> shape, KernelContext context)
    {
        var data = context.Arg(operand.Arg);
        long count = shape.Aggregate(1L, (p, d) => p * d);
        var values = new float[count];
        for (long j = 0; j < count; j++)
        {
            long flat = j, offset = 0;
            for (int d = shape.Count - 1; d >= 0; d--)
            {
                offset += flat % shape[d] * operand.Strides[d];
                flat /= shape[d];
            }
            values[j] = data[offset];
        }
        return values;
    }

    public static void Run(LogSoftmaxSpec s, KernelContext context)
    {
        var x = context.Arg(1);
        Parallel.For(0, (long)s.Outer * s.Inner, line =>
        {
            long start = line / s.Inner * s.Axis * s.Inner + line % s.Inner;
            var values = new float[s.Axis];
            for (int a = 0; a < s.Axis; a++) values[a] = x[start + (long)a * s.Inner];
            float max = TensorPrimitives.Max(values);
            var shifted = new float[s.Axis];
            TensorPrimitives.Subtract(values, max, shifted);
            TensorPrimitives.Exp(shifted, shifted);
            double sum = 0;
            foreach (float v in shifted) sum += v;
            TensorPrimitives.Subtract(values, max + (float)Math.Log(sum), values);
            context.Store(values);
            var output = context.Output.Span;
            for (int a = 0; a < s.Axis; a++) output[(int)(start + (long)a * s.Inner)] = values[a];
        });
    }

    public static void Run(LrnSpec s, KernelContext context)
    {
        var x = context.Arg(1);
        var (below, above) = s.Window;
        float scale = s.Alpha / s.Size;
        Parallel.For(0, s.N * s.C, plane =>
        {
            int n = plane / s.C, c = plane % s.C;
            var squares = new float[s.Inner];
            for (int k = Math.Max(0, c - below); k <= Math.Min(s.C - 1, c + above); k++)
            {
                var neighbour = x.Slice(((long)n * s.C + k) * s.Inner, s.Inner);
                TensorPrimitives.MultiplyAdd(neighbour, neighbour, squares, squares);
            }
            var input = x.Slice((long)plane * s.Inner, s.Inner);
            var y = context.Output.WritableSlice((long)plane * s.Inner, s.Inner);
            for (int i = 0; i < s.Inner; i++) y[i] = input[i] / MathF.Pow(s.Bias + scale * squares[i], s.Beta);
            context.Store(y);
        });
    }
}
