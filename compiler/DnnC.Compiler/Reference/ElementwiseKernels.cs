using DnnC.Compiler.IR;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Reference;

/// <summary>Activations, broadcasting binary arithmetic, epilogue chains and batch norm.</summary>
internal static class ElementwiseKernels
{
    public static RefTensor Activation(RefTensor x, ActivationKind kind, float alpha, float beta)
    {
        var y = new double[x.Data.Length];
        for (int i = 0; i < y.Length; i++) y[i] = ElementwiseMath.Activation(kind, alpha, beta, x.Data[i]);
        return new RefTensor(x.Shape, y);
    }

    public static RefTensor Binary(BinaryKind kind, RefTensor a, RefTensor b)
    {
        var shape = RefTensor.BroadcastShape(a.Shape, b.Shape);
        var ia = RefTensor.BroadcastIndex(a.Shape, shape);
        var ib = RefTensor.BroadcastIndex(b.Shape, shape);
        var y = new double[ia.Length];
        for (int i = 0; i < y.Length; i++) y[i] = ElementwiseMath.Binary(kind, a.Data[ia[i]], b.Data[ib[i]]);
        return new RefTensor(shape, y);
    }

    /// <summary>
    /// Applies epilogue (or pointwise) steps to a running value. Binary steps read the node
    /// input at their operand index, and may broadcast the running value to a larger shape.
    /// </summary>
    public static RefTensor ApplySteps(RefTensor running, IEnumerable<EpilogueStep> steps, IReadOnlyList<RefTensor> inputs)
    {
        foreach (var step in steps)
        {
            running = step switch
            {
                ActivationStep a => Activation(running, a.Kind, a.Alpha, a.Beta),
                UnaryMathStep u => MathKernels.Unary(new UnaryMathOp(u.Kind, u.Alpha, u.Beta), running),
                CastStep c => MathKernels.Cast(new CastOp(c.To, c.Saturate, c.Rounding), running),
                BinaryStep { RunningOnLeft: true } b => Binary(b.Kind, running, inputs[b.Operand]),
                BinaryStep b => Binary(b.Kind, inputs[b.Operand], running),
                _ => throw new NotSupportedException($"epilogue step {step.GetType().Name} is not supported"),
            };
        }
        return running;
    }

    /// <summary>y = scale · (x − mean) / √(var + ε) + bias, per channel on axis 1.</summary>
    public static RefTensor BatchNorm(RefTensor x, RefTensor scale, RefTensor bias, RefTensor mean, RefTensor variance, float epsilon)
    {
        int channels = x.Shape[1];
        int inner = (int)RefTensor.Count(x.Shape[2..]);
        var y = new double[x.Data.Length];
        for (int i = 0; i < y.Length; i++)
        {
            int c = i / inner % channels;
            double normalized = (x.Data[i] - mean.Data[c]) / Math.Sqrt(variance.Data[c] + (double)epsilon);
            y[i] = scale.Data[c] * normalized + bias.Data[c];
        }
        return new RefTensor(x.Shape, y);
    }
}
