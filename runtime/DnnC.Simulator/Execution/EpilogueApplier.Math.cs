using System.Buffers;
using System.Numerics.Tensors;
using DnnC.Runtime.Plan;

namespace DnnC.Simulator.Execution;

/// <summary>
/// The math steps of a chain: unary functions (vectorised where TensorPrimitives has them, else the
/// float64 definition rounded to float), the comparison/logic/modulo binaries, and where's select.
/// </summary>
internal sealed partial class EpilogueApplier
{
    private static void ApplyUnaryMath(UnaryMathStep step, Span<float> x)
    {
        switch (step.Kind)
        {
            case UnaryKind.Exp: TensorPrimitives.Exp(x, x); break;
            case UnaryKind.Log: TensorPrimitives.Log(x, x); break;
            case UnaryKind.Sqrt: TensorPrimitives.Sqrt(x, x); break;
            case UnaryKind.Reciprocal: TensorPrimitives.Reciprocal(x, x); break;
            case UnaryKind.Neg: TensorPrimitives.Negate(x, x); break;
            case UnaryKind.Abs: TensorPrimitives.Abs(x, x); break;
            default:
                for (int i = 0; i < x.Length; i++) x[i] = (float)MathFunctions.Unary(step.Kind, step.Alpha, step.Beta, x[i]);
                break;
        }
    }

    private void ApplyMathBinary(MathBinaryStep step, Span<float> x, long start)
    {
        var y = Resolve(step.Operand, start, x.Length, out float scalar, out bool isScalar);
        for (int i = 0; i < x.Length; i++)
        {
            double other = isScalar ? scalar : y[i];
            x[i] = (float)(step.RunningOnLeft ? MathFunctions.Binary(step.Kind, x[i], other) : MathFunctions.Binary(step.Kind, other, x[i]));
        }
    }

    private void ApplySelect(SelectStep step, Span<float> x, long start)
    {
        // Resolve shares one gather buffer, so the condition is kept aside while each branch is read in turn.
        var condition = ArrayPool<float>.Shared.Rent(x.Length);
        try
        {
            x.CopyTo(condition);
            Pick(step.Then, true, condition, x, start);
            Pick(step.Else, false, condition, x, start);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(condition);
        }
    }

    private void Pick(int operand, bool whenTrue, float[] condition, Span<float> x, long start)
    {
        var values = Resolve(operand, start, x.Length, out float scalar, out bool isScalar);
        for (int i = 0; i < x.Length; i++)
            if ((condition[i] != 0) == whenTrue) x[i] = isScalar ? scalar : values[i];
    }
}
