using DnnC.Runtime;

namespace DnnC.Compiler.Tests.TestSupport;

/// <summary>Seeded random tensors for tests: uniform in ±scale, never all zero.</summary>
public sealed class Rng(int seed)
{
    private readonly Random _random = new(seed);

    public HostTensor Tensor(params int[] shape) => Tensor(1f, shape);

    public HostTensor Tensor(float scale, params int[] shape)
    {
        var data = new float[HostTensor.ElementCount(shape)];
        for (int i = 0; i < data.Length; i++) data[i] = (float)((_random.NextDouble() * 2 - 1) * scale);
        return new HostTensor(shape, data);
    }

    /// <summary>Strictly positive values in [lo, hi], for variances and scales.</summary>
    public HostTensor Positive(float lo, float hi, params int[] shape)
    {
        var data = new float[HostTensor.ElementCount(shape)];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(lo + _random.NextDouble() * (hi - lo));
        return new HostTensor(shape, data);
    }
}
