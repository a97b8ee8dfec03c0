using System.Numerics.Tensors;
using DnnC.Runtime.Plan;

namespace DnnC.Simulator.Execution;

/// <summary>Activations over a span, in FP32, vectorised where TensorPrimitives has the function.</summary>
internal static class Activations
{
    public static void Apply(ActivationStep step, Span<float> x)
    {
        float alpha = step.Alpha, beta = step.Beta;
        switch (step.Kind)
        {
            case ActivationKind.Relu:
                TensorPrimitives.Max(x, 0f, x);
                break;
            case ActivationKind.Relu6:
                TensorPrimitives.Max(x, 0f, x);
                TensorPrimitives.Min(x, 6f, x);
                break;
            case ActivationKind.Clip:
                TensorPrimitives.Max(x, alpha, x);
                TensorPrimitives.Min(x, beta, x);
                break;
            case ActivationKind.Sigmoid:
                TensorPrimitives.Sigmoid(x, x);
                break;
            case ActivationKind.Tanh:
                TensorPrimitives.Tanh(x, x);
                break;
            case ActivationKind.LeakyRelu:
                for (int i = 0; i < x.Length; i++) x[i] = x[i] >= 0 ? x[i] : alpha * x[i];
                break;
            case ActivationKind.HardSigmoid:
                for (int i = 0; i < x.Length; i++) x[i] = Math.Max(0f, Math.Min(1f, alpha * x[i] + beta));
                break;
            case ActivationKind.HardSwish:
                for (int i = 0; i < x.Length; i++) x[i] *= Math.Max(0f, Math.Min(1f, x[i] / 6f + 0.5f));
                break;
            case ActivationKind.Gelu:
                for (int i = 0; i < x.Length; i++) x[i] = (float)ElementwiseMath.Activation(ActivationKind.Gelu, 0, 0, x[i]);
                break;
            default:
                throw new NotSupportedException($"activation {step.Kind}");
        }
    }
}
