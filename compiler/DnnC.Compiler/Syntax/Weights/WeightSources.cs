using DnnC.Runtime;

namespace DnnC.Compiler.Syntax.Weights;

/// <summary>How a seeded weight is drawn; a file-backed source ignores it.</summary>
public enum WeightRole
{
    /// <summary>Conv and dense kernels: uniform in ±1/sqrt(fan_in).</summary>
    Kernel,
    /// <summary>Biases, batchnorm beta and running mean: uniform in ±0.1.</summary>
    Small,
    /// <summary>Batchnorm gamma and running variance: uniform in [0.5, 1.5], never zero.</summary>
    AroundOne,
}

/// <summary>
/// Deterministic initialisation for models without a weights file. Each tensor gets its own
/// stream seeded from the model seed and the weight's name, so adding a layer does not change
/// the weights of the others.
/// </summary>
public sealed class SeededWeights(ulong seed)
{
    /// <summary>The seed used when a model has no <c>weights</c> clause at all.</summary>
    public const ulong DefaultSeed = 0;

    public ulong Seed { get; } = seed;

    public HostTensor Create(string key, int[] shape, WeightRole role, int fanIn)
    {
        var rng = new SplitMix64(Seed ^ SplitMix64.Hash(key));
        var data = new float[checked((int)HostTensor.ElementCount(shape))];
        float bound = 1f / MathF.Sqrt(Math.Max(1, fanIn));
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = role switch
            {
                WeightRole.Kernel => rng.NextUniform(-bound, bound),
                WeightRole.Small => rng.NextUniform(-0.1f, 0.1f),
                _ => rng.NextUniform(0.5f, 1.5f),
            };
        }
        return new HostTensor(shape, data);
    }
}
