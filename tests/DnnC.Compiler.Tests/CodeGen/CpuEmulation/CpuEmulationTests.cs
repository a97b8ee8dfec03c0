using DnnC.Compiler.CodeGen;
using DnnC.Runtime.Plan;
using Xunit.Abstractions;

namespace DnnC.Compiler.Tests.CodeGen.CpuEmulation;

/// <summary>A fact that needs g++ (C++20) to build the emulated kernels.</summary>
public sealed class GxxFactAttribute : FactAttribute
{
    public GxxFactAttribute()
    {
        if (!CpuKernelLibrary.CompilerAvailable(out string reason)) Skip = reason;
    }
}

/// <summary>
/// Runs the generated CUDA of every representative kernel on the CPU (g++ with a CUDA shim, one
/// thread per CUDA thread) on seeded random inputs, and compares with the float64 reference of
/// each spec. Catches index-math and synchronisation mistakes without a GPU.
/// </summary>
public sealed class CpuEmulationTests(ITestOutputHelper output)
{
    [GxxFact]
    public void EveryRepresentativeKernelMatchesTheFloat64Reference()
    {
        var plans = RepresentativeKernels.Build();
        var plan = plans.Build();
        using var library = CpuKernelLibrary.Build(CudaEmitter.Emit(plan));
        var random = new Random(20240611);
        var failures = new List<string>();
        foreach (var kernel in plan.Kernels)
        {
            int[] outShape = SpecReference.OutputShape(kernel.Spec, plan.Value(kernel.Args[0]).Shape);
            long[] sizes = SpecReference.InputSizes(kernel.Spec, outShape, kernel.Args.Count - 1);
            float[][] inputs = sizes.Select(size => RandomArray(random, size, kernel.Spec)).ToArray();
            double[] expected = SpecReference.Compute(kernel.Spec, outShape, inputs);
            var outBuffer = Enumerable.Repeat(float.NaN, expected.Length).ToArray(); // unwritten outputs stay NaN
            library.Run(kernel, [outBuffer, .. inputs]);

            double worst = 0;
            int bad = -1;
            for (int i = 0; i < expected.Length; i++)
            {
                double error = Math.Abs(outBuffer[i] - expected[i]) / (1e-4 + 1e-4 * Math.Abs(expected[i]));
                if (!(error <= 1)) { bad = i; worst = error; break; }
                worst = Math.Max(worst, error);
            }
            output.WriteLine($"{kernel.Name}: {expected.Length} outputs, worst error/tolerance {worst:F3}");
            if (bad >= 0)
                failures.Add($"{kernel.Name}: output[{bad}] = {outBuffer[bad]} but the reference is {expected[bad]}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Values in [-2, 2); divisors kept away from zero so Div stays well-conditioned.</summary>
    private static float[] RandomArray(Random random, long size, KernelSpec spec)
    {
        var data = new float[size];
        for (long i = 0; i < size; i++)
        {
            float v = (float)(random.NextDouble() * 4 - 2);
            data[i] = HasDivision(spec) ? MathF.CopySign(0.5f + MathF.Abs(v), v) : v;
        }
        return data;
    }

    private static bool HasDivision(KernelSpec spec) => spec switch
    {
        ConvSpec c => c.Epilogue.Any(s => s is BinaryStep { Kind: BinaryKind.Div }),
        GemmSpec g => g.Epilogue.Any(s => s is BinaryStep { Kind: BinaryKind.Div }),
        _ => false,
    };
}
