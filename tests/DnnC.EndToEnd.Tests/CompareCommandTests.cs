using DnnC.Cli;
using DnnC.Compiler.Tensors;
using DnnC.Runtime;

namespace DnnC.EndToEnd.Tests;

/// <summary>dnnc compare, which the GPU check uses to hold cuda against sim, and the measure behind it.</summary>
public class CompareCommandTests
{
    private static HostTensor Random(int seed, params int[] shape)
    {
        var random = new Random(seed);
        return new HostTensor(shape, Enumerable.Range(0, (int)HostTensor.ElementCount(shape)).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray());
    }

    private static HostTensor Perturbed(HostTensor t, double relative, int seed)
    {
        var random = new Random(seed);
        return new HostTensor(t.Shape, t.Data.Select(v => (float)(v * (1 + relative * (random.NextDouble() * 2 - 1)))).ToArray());
    }

    [Fact]
    public void Difference_matches_an_independent_float64_computation()
    {
        var expected = Random(1, 3, 5, 7);
        var actual = Perturbed(expected, 1e-3, 2);
        var d = TensorDifference.Measure(actual, expected);
        double num = 0, den = 0, max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = (double)actual.Data[i] - expected.Data[i];
            num += diff * diff;
            den += (double)expected.Data[i] * expected.Data[i];
            max = Math.Max(max, Math.Abs(diff));
        }
        Assert.Equal(Math.Sqrt(num / den), d.RelativeL2, 12);
        Assert.Equal(max, d.MaxAbs, 12);
        Assert.Equal(expected.Length, d.Elements);
        Assert.True(d.RelativeL2 is > 1e-5 and < 1e-3, d.ToString());
    }

    [Fact]
    public void Nan_and_infinity_fail_any_tolerance()
    {
        var expected = Random(3, 16);
        var data = (float[])expected.Data.Clone();
        data[5] = float.NaN;
        Assert.False(TensorDifference.Measure(new HostTensor([16], data), expected).Within(1e30));
        data[5] = float.PositiveInfinity;
        Assert.False(TensorDifference.Measure(new HostTensor([16], data), expected).Within(1e30));
        Assert.True(TensorDifference.Measure(expected, expected).Within(0));
    }

    [Fact]
    public void Directories_pass_within_the_tolerance_and_fail_beyond_it()
    {
        string dir = Cli.TempDir();
        foreach (var sub in new[] { "expected", "close", "far" }) Directory.CreateDirectory(Path.Combine(dir, sub));
        for (int i = 0; i < 2; i++)
        {
            var t = Random(10 + i, 4, 9);
            TensorFiles.WriteTensorProto(Path.Combine(dir, "expected", $"output_{i}.pb"), $"y{i}", t);
            TensorFiles.WriteTensorProto(Path.Combine(dir, "close", $"output_{i}.pb"), $"y{i}", Perturbed(t, 1e-6, 20 + i));
            TensorFiles.WriteTensorProto(Path.Combine(dir, "far", $"output_{i}.pb"), $"y{i}", Perturbed(t, i == 1 ? 1e-2 : 1e-6, 30 + i));
        }

        var close = Cli.Run("compare", Path.Combine(dir, "close"), Path.Combine(dir, "expected"), "--max-rel-l2", "1e-4");
        var far = Cli.Run("compare", Path.Combine(dir, "far"), Path.Combine(dir, "expected"), "--max-rel-l2", "1e-4");

        Assert.True(close.ExitCode == 0, close.ToString());
        Assert.Equal(2, close.Stdout.Split('\n').Count(l => l.StartsWith("compare output_") && l.EndsWith("result=ok")));
        Assert.True(far.ExitCode == 1, far.ToString());
        Assert.Contains(far.Stdout.Split('\n'), l => l.StartsWith("compare output_1.pb name=y1") && l.EndsWith("result=FAIL"));
        Assert.Contains(far.Stdout.Split('\n'), l => l.StartsWith("compare output_0.pb") && l.EndsWith("result=ok"));
    }

    [Fact]
    public void A_missing_output_or_another_shape_fails()
    {
        string dir = Cli.TempDir();
        Directory.CreateDirectory(Path.Combine(dir, "a"));
        Directory.CreateDirectory(Path.Combine(dir, "b"));
        TensorFiles.WriteTensorProto(Path.Combine(dir, "b", "output_0.pb"), "y", Random(1, 6));
        TensorFiles.WriteTensorProto(Path.Combine(dir, "b", "output_1.pb"), "z", Random(2, 6));
        TensorFiles.WriteTensorProto(Path.Combine(dir, "a", "output_0.pb"), "y", Random(1, 2, 3));
        var result = Cli.Run("compare", Path.Combine(dir, "a"), Path.Combine(dir, "b"));
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("reason=shape", result.Stdout);
        Assert.Contains("reason=missing-in-actual", result.Stdout);
    }

    [Fact]
    public void A_file_and_a_directory_is_a_usage_error()
    {
        string dir = Cli.TempDir();
        TensorFiles.WriteNpy(Path.Combine(dir, "t.npy"), Random(1, 3));
        var result = Cli.Run("compare", Path.Combine(dir, "t.npy"), dir);
        Assert.Equal(2, result.ExitCode);
    }
}
