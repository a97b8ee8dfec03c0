using System.Numerics.Tensors;
using DnnC.Runtime.Plan;

namespace DnnC.Simulator.Execution;

/// <summary>
/// Applies an epilogue chain to one contiguous run of output elements (flat indices
/// [start, start + length) of an output of shape <c>outputShape</c>). Each operand is read through
/// its broadcast strides: as a contiguous slice when its strides match the output's over the dims
/// the run spans, as a scalar when they are all zero there, and gathered element by element otherwise.
/// </summary>
internal sealed partial class EpilogueApplier
{
    private readonly EpilogueStep[] _steps;
    private readonly TensorRef[] _operandData;
    private readonly long[][] _operandStrides;
    private readonly int[] _shape;
    private readonly long[] _contiguous;

    public EpilogueApplier(IReadOnlyList<EpilogueStep> steps, IReadOnlyList<PlanOperand> operands, KernelContext context, int[] outputShape)
    {
        _steps = [.. steps];
        _operandData = operands.Select(o => context.Arg(o.Arg)).ToArray();
        _operandStrides = operands.Select(o => o.Strides.ToArray()).ToArray();
        _shape = outputShape;
        _contiguous = new long[outputShape.Length];
        long stride = 1;
        for (int d = outputShape.Length - 1; d >= 0; d--)
        {
            _contiguous[d] = stride;
            stride *= outputShape[d];
        }
    }

    public bool IsEmpty => _steps.Length == 0;

    public void Apply(Span<float> values, long start)
    {
        foreach (var step in _steps)
        {
            switch (step)
            {
                case ActivationStep a:
                    Activations.Apply(a, values);
                    break;
                case BinaryStep b:
                    ApplyBinary(b, values, start);
                    break;
                case UnaryMathStep u:
                    ApplyUnaryMath(u, values);
                    break;
                case CastStep c:
                    for (int i = 0; i < values.Length; i++) values[i] = (float)c.Apply(values[i]);
                    break;
                case MathBinaryStep m:
                    ApplyMathBinary(m, values, start);
                    break;
                case SelectStep select:
                    ApplySelect(select, values, start);
                    break;
                default:
                    throw new NotSupportedException(step.GetType().Name);
            }
        }
    }

    /// <summary>Writes operand <paramref name="operand"/>'s values for the run into <paramref name="destination"/>.</summary>
    public void Load(int operand, long start, Span<float> destination)
    {
        var row = Resolve(operand, start, destination.Length, out float scalar, out bool isScalar);
        if (isScalar) destination.Fill(scalar);
        else row.CopyTo(destination);
    }

    private void ApplyBinary(BinaryStep step, Span<float> x, long start)
    {
        var y = Resolve(step.Operand, start, x.Length, out float s, out bool scalar);
        switch (step.Kind, scalar, step.RunningOnLeft)
        {
            case (BinaryKind.Add, true, _): TensorPrimitives.Add(x, s, x); break;
            case (BinaryKind.Add, false, _): TensorPrimitives.Add(x, y, x); break;
            case (BinaryKind.Mul, true, _): TensorPrimitives.Multiply(x, s, x); break;
            case (BinaryKind.Mul, false, _): TensorPrimitives.Multiply(x, y, x); break;
            case (BinaryKind.Sub, true, true): TensorPrimitives.Subtract(x, s, x); break;
            case (BinaryKind.Sub, true, false): TensorPrimitives.Subtract(s, x, x); break;
            case (BinaryKind.Sub, false, true): TensorPrimitives.Subtract(x, y, x); break;
            case (BinaryKind.Sub, false, false): TensorPrimitives.Subtract(y, x, x); break;
            case (BinaryKind.Div, true, true): TensorPrimitives.Divide(x, s, x); break;
            case (BinaryKind.Div, true, false): TensorPrimitives.Divide(s, x, x); break;
            case (BinaryKind.Div, false, true): TensorPrimitives.Divide(x, y, x); break;
            case (BinaryKind.Div, false, false): TensorPrimitives.Divide(y, x, x); break;
            default: throw new NotSupportedException(step.Kind.ToString());
        }
    }

    private ReadOnlySpan<float> Resolve(int operand, long start, int length, out float scalar, out bool isScalar)
    {
        var data = _operandData[operand];
        var strides = _operandStrides[operand];
        int rank = _shape.Length;
        Span<int> first = stackalloc int[rank];
        Span<int> last = stackalloc int[rank];
        Unflatten(start, first);
        Unflatten(start + length - 1, last);
        int varying = 0;
        while (varying < rank && first[varying] == last[varying]) varying++;

        long baseOffset = 0;
        for (int d = 0; d < rank; d++) baseOffset += first[d] * strides[d];
        bool zero = true, contiguous = true;
        for (int d = varying; d < rank; d++)
        {
            zero &= strides[d] == 0;
            contiguous &= strides[d] == _contiguous[d] || _shape[d] == 1;
        }
        isScalar = zero;
        scalar = zero ? data[baseOffset] : 0;
        if (zero) return default;
        if (contiguous) return data.Slice(baseOffset, length);

        var gathered = Scratch.Get(length);
        var index = first.ToArray();
        long offset = baseOffset;
        for (int i = 0; i < length; i++)
        {
            gathered[i] = data[offset];
            // Odometer step: bump the last dim, carrying into earlier ones.
            for (int d = rank - 1; d >= 0; d--)
            {
                offset += strides[d];
                if (++index[d] < _shape[d]) break;
                offset -= strides[d] * index[d];
                index[d] = 0;
            }
        }
        return gathered.AsSpan(0, length);
    }

    private void Unflatten(long flat, Span<int> index)
    {
        for (int d = _shape.Length - 1; d >= 0; d--)
        {
            index[d] = (int)(flat % _shape[d]);
            flat /= _shape[d];
        }
    }
}

/// <summary>Per-thread scratch for gathered operands, so the hot paths allocate nothing.</summary>
internal static class Scratch
{
    [ThreadStatic] private static float[]? _buffer;
    [ThreadStatic] private static float[]? _work;

    /// <summary>A second buffer for a kernel's running values; <see cref="Get"/> is for operand gathers.</summary>
    public static Span<float> GetWork(int length)
    {
        if (_work is null || _work.Length < length) _work = new float[Math.Max(length, 4096)];
        return _work.AsSpan(0, length);
    }

    public static float[] Get(int length)
    {
        if (_buffer is null || _buffer.Length < length) _buffer = new float[Math.Max(length, 4096)];
        return _buffer;
    }
}
