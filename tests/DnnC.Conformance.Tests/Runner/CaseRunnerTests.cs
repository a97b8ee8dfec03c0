using DnnC.Compiler.Onnx.Proto;
using DnnC.Conformance.Running;
using DnnC.Conformance.Suite;
using Google.Protobuf;
using static DnnC.Conformance.Tests.Runner.ProtoBuilders;

namespace DnnC.Conformance.Tests.Runner;

/// <summary>
/// A case runs through <c>dnnc run MODEL --input FILE... --backend B</c> in process, as a user runs it;
/// what dnnc refuses is "unsupported", and outputs are checked for element type, shape and values.
/// </summary>
public sealed class CaseRunnerTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("dnnc-case-runner-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private CaseRunner Runner(string backend = "sim") => new(backend, Tolerance.Onnx, _work);

    [Fact]
    public void The_catalog_offers_the_simulator_next_to_the_reference() =>
        Assert.Equal(["reference", "sim"], Backends.BackendCatalog.Names);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_matmul_relu_case_passes_against_a_float64_expectation_and_fails_against_a_perturbed_one(int seed)
    {
        const int m = 5, k = 7, n = 3;
        var rng = new Random(seed);
        float[] a = RandomFloats(rng, m * k), b = RandomFloats(rng, k * n);
        var expected = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int kk = 0; kk < k; kk++) sum += (double)a[i * k + kk] * b[kk * n + j];
                expected[i * n + j] = (float)Math.Max(0, sum);
            }
        var model = Model(
            [Node("MatMul", ["a", "b"], "p"), Node("Relu", ["p"], "y")],
            [Value("a", m, k), Value("b", k, n)], [Value("y", m, n)]);
        var inputs = new[] { Floats([m, k], a), Floats([k, n], b) };

        var passed = Runner().Run(Case(model, inputs, Floats([m, n], expected)));
        Assert.True(passed.Outcome == CaseOutcome.Passed, passed.Detail);

        int worst = Array.IndexOf(expected, expected.Max());
        expected[worst] += 0.01f + 0.01f * Math.Abs(expected[worst]);
        var failed = Runner().Run(Case(model, inputs, Floats([m, n], expected)));
        Assert.Equal(CaseOutcome.Failed, failed.Outcome);
    }

    [Fact]
    public void Batchnorm_statistics_fed_at_run_time_run_on_the_simulator()
    {
        // The importer spells such a batchnorm out per channel, since folding needs constant statistics.
        var rng = new Random(5);
        float[] x = RandomFloats(rng, 18), scale = RandomFloats(rng, 2), bias = RandomFloats(rng, 2), mean = RandomFloats(rng, 2);
        float[] variance = [1.5f, 2.5f];
        var expected = new float[18];
        for (int i = 0; i < 18; i++)
        {
            int c = i / 9;
            expected[i] = (float)((x[i] - (double)mean[c]) / Math.Sqrt(variance[c] + (double)1e-5f) * scale[c] + bias[c]);
        }
        var model = Model(
            [Node("BatchNormalization", ["x", "s", "bias", "mean", "var"], "y")],
            [Value("x", 1, 2, 3, 3), Value("s", 2), Value("bias", 2), Value("mean", 2), Value("var", 2)],
            [Value("y", 1, 2, 3, 3)]);
        var inputs = new[] { Floats([1, 2, 3, 3], x), Floats([2], scale), Floats([2], bias), Floats([2], mean), Floats([2], variance) };
        var result = Runner().Run(Case(model, inputs, Floats([1, 2, 3, 3], expected)));
        Assert.True(result.Outcome == CaseOutcome.Passed, result.Detail);
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("sim")]
    public void A_model_dnnc_refuses_is_unsupported_with_the_first_diagnostic(string backend)
    {
        var model = Model([Node("Unique", ["x"], "y")], [Value("x", 2)], [Value("y", 2)]);
        var result = Runner(backend).Run(Case(model, [Floats([2], 1f, -1f)], Floats([2], 1f, -1f)));
        Assert.Equal(CaseOutcome.Unsupported, result.Outcome);
        Assert.StartsWith("DNN6002: the model uses 1 unsupported operator(s): Unique", result.Detail);
    }

    [Fact]
    public void An_output_of_another_element_type_than_expected_fails()
    {
        // The model declares y as FLOAT; an expected file of DOUBLE with the same values must not pass.
        var rng = new Random(11);
        float[] x = RandomFloats(rng, 4);
        var model = Model([Node("Relu", ["x"], "y")], [Value("x", 4)], [Value("y", 4)]);
        var expected = new TensorProto { DataType = (int)TensorProto.Types.DataType.Double };
        expected.Dims.Add(4);
        expected.DoubleData.AddRange(x.Select(v => (double)Math.Max(0, v)));
        var result = Runner().Run(Case(model, [Floats([4], x)], expected));
        Assert.Equal(CaseOutcome.Failed, result.Outcome);
        Assert.Contains("element type FLOAT but expected DOUBLE", result.Detail);
    }

    private static NodeTestCase Case(ModelProto model, TensorProto[] inputs, TensorProto output) =>
        new("test_sim_backend", model.ToByteArray(), inputs.Select(t => t.ToByteArray()).ToList(), [output.ToByteArray()]);

    private static float[] RandomFloats(Random rng, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
}
