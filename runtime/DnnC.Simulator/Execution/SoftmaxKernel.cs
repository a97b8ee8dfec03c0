using System.Numerics.Tensors;
using DnnC.Runtime.Plan;

namespace DnnC.Simulator.Execution;

/// <summary>Softmax over the middle axis of [Outer, Axis, Inner]: subtract the max, exponentiate, normalise.</summary>
internal static class SoftmaxKernel
{
    public static void Run(SoftmaxSpec s, KernelContext context)
    {
        var x = context.Arg(1);
        Parallel.For(0, (long)s.Outer * s.Inner, line =>
        {
            long outer = line / s.Inner, inner = line % s.Inner;
            long start = outer * s.Axis * s.Inner + inner;
            var values = new float[s.Axis];
            for (int a = 0; a < s.Axis; a++) values[a] = x[start + (long)a * s.Inner];
            float max = TensorPrimitives.Max(values);
            TensorPrimitives.Subtract(values, max, values);
            TensorPrimitives.Exp(values, values);
            double sum = 0;
            foreach (float v in values) sum += v;
            TensorPrimitives.Multiply(values, (float)(1 / sum), values);
            context.Store(values);
            var output = context.Output.Span;
            for (int a = 0; a < s.Axis; a++) output[(int)(start + (long)a * s.Inner)] = values[a];
        });
    }
}
