using DnnC.Compiler.Tensors;
using DnnC.Runtime.Numerics;
using static DnnC.EndToEnd.Tests.OnnxFiles;

namespace DnnC.EndToEnd.Tests;

/// <summary>
/// What a user gets from <c>dnnc run MODEL --input FILE...</c> on an ONNX model: shapes taken from
/// the files, specialisation on inputs the compiler needs at compile time, every element type in
/// and out, zero-size inputs. Every case runs the real dnnc on fresh seeded data.
/// </summary>
public class FrontDoorTests
{
    private static TypedTensor RandomFloats(int seed, params int[] shape)
    {
        var random = new Random(seed);
        int count = shape.Aggregate(1, (a, d) => a * d);
        return new TypedTensor(ElementType.Float, shape, Enumerable.Range(0, count).Select(_ => (double)(float)(random.NextDouble() * 4 - 2)).ToArray());
    }

    private static string WriteInput(string dir, string name, TypedTensor tensor)
    {
        string path = Path.Combine(dir, name);
        if (name.EndsWith(".npy", StringComparison.Ordinal)) TensorFiles.WriteNpy(path, tensor);
        else TensorFiles.WriteTensorProto(path, "", tensor);
        return path;
    }

    private static TypedTensor Output(string dir, int index = 0) => TensorFiles.ReadTyped(Path.Combine(dir, $"output_{index}.pb")).Tensor;

    [Theory]
    [InlineData("reference")]
    [InlineData("sim")]
    public void A_dynamic_model_runs_at_the_shapes_of_its_input_files(string backend)
    {
        // y[n, c] = sum over w of x[n, c, w]^2, for x: float[?, 3, ?].
        string dir = Cli.TempDir();
        string model = Write(dir, 11,
            [Node("Mul", ["x", "x"], ["sq"]), Node("ReduceSum", ["sq"], ["y"], Attr("axes", new long[] { 2 }), Attr("keepdims", 0))],
            [Tensor("x", ElementType.Float, null, 3, null)], [Tensor("y", ElementType.Float, null, 3)]);
        foreach (var (shape, seed) in new[] { (new[] { 2, 3, 4 }, 1), (new[] { 5, 3, 7 }, 2) })
        {
            var x = RandomFloats(seed, shape);
            string input = WriteInput(dir, $"x{seed}.npy", x);
            string outDir = Path.Combine(dir, $"out{seed}");
            var result = Cli.Run("run", model, "--input", input, "--backend", backend, "--output-dir", outDir);
            Assert.True(result.ExitCode == 0, result.ToString());
            var y = Output(outDir);
            Assert.Equal(ElementType.Float, y.Type);
            Assert.Equal(new[] { shape[0], 3 }, y.Shape);
            for (int n = 0; n < shape[0]; n++)
                for (int c = 0; c < 3; c++)
                {
                    double expected = 0;
                    for (int w = 0; w < shape[2]; w++) expected += Math.Pow(x.Values[(n * 3 + c) * shape[2] + w], 2);
                    Assert.InRange(y.Values[n * 3 + c], expected - 1e-5 * (1 + expected), expected + 1e-5 * (1 + expected));
                }
        }
    }

    [Fact]
    public void A_file_that_contradicts_a_static_dimension_names_both_shapes()
    {
        string dir = Cli.TempDir();
        string model = Write(dir, 13, [Node("Relu", ["x"], ["y"])], [Tensor("x", ElementType.Float, null, 3)], [Tensor("y", ElementType.Float, null, 3)]);
        var result = Cli.Run("run", model, "--input", WriteInput(dir, "x.pb", RandomFloats(3, 2, 4)), "--output-dir", dir);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error DNN3103: input 'x' is declared [?, 3] but the file holds shape [2, 4]", result.Stderr);
    }

    /// <summary>Reshape(data, shape) with the target shape a graph input, as exporters write it.</summary>
    private static string ReshapeModel(string dir) => Write(dir, 14, [Node("Reshape", ["data", "shape"], ["y"])],
        [Tensor("data", ElementType.Float, 2, 3, 4), Tensor("shape", ElementType.Int64, 2)], [Tensor("y", ElementType.Float, null, null)]);

    private static TypedTensor Shape(params long[] values) => new(ElementType.Int64, [values.Length], values.Select(v => (double)v).ToArray());

    [Fact]
    public void Run_specialises_on_a_shape_input_given_as_a_file_and_computes_with_the_data()
    {
        string dir = Cli.TempDir();
        string model = ReshapeModel(dir);
        var data = RandomFloats(4, 2, 3, 4);
        string dataFile = WriteInput(dir, "data.pb", data);
        foreach (var (target, expected) in new[] { (new long[] { 4, -1 }, new[] { 4, 6 }), (new long[] { 3, 8 }, new[] { 3, 8 }) })
        {
            string outDir = Path.Combine(dir, $"out{target[0]}");
            var result = Cli.Run("run", model, "--input", dataFile, "--input", WriteInput(dir, $"shape{target[0]}.pb", Shape(target)),
                "--backend", "sim", "--output-dir", outDir);
            Assert.True(result.ExitCode == 0, result.ToString());
            var y = Output(outDir);
            Assert.Equal(expected, y.Shape);
            Assert.Equal(data.Values, y.Values);
        }
    }

    [Fact]
    public void A_specialised_input_given_another_value_at_run_time_is_refused()
    {
        string dir = Cli.TempDir();
        string model = ReshapeModel(dir);
        var result = Cli.Run("run", model, "--input-value", "shape=4,6", "--input", WriteInput(dir, "data.pb", RandomFloats(5, 2, 3, 4)),
            "--input", WriteInput(dir, "shape.pb", Shape(3, 8)), "--output-dir", dir);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error DNN3106: the model was specialised on input 'shape' = 2 values [4, 6], but this run gives it 2 values [3, 8]", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.False(File.Exists(Path.Combine(dir, "output_0.pb")));
    }

    [Fact]
    public void Check_without_the_value_says_which_input_to_specialise_and_with_it_succeeds()
    {
        string dir = Cli.TempDir();
        string model = ReshapeModel(dir);
        var without = Cli.Run("check", model);
        Assert.Equal(1, without.ExitCode);
        Assert.Contains("needs the target shape at compile time, but it depends on runtime data (graph input 'shape')", without.Stderr);
        Assert.Contains("--input-value shape=", without.Stderr);
        var with = Cli.Run("check", model, "--input-value", "shape=6,4");
        Assert.True(with.ExitCode == 0, with.ToString());
    }

    [Fact]
    public void Build_records_each_specialised_input_and_its_value_in_the_report()
    {
        string dir = Cli.TempDir();
        string model = ReshapeModel(dir);
        string outDir = Path.Combine(dir, "build");
        var result = Cli.Run("build", model, "--input-value", "shape=12,2", "-o", outDir);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "build-report.json")));
        var fixedInput = Assert.Single(report.RootElement.GetProperty("fixedInputs").EnumerateArray());
        Assert.Equal("shape", fixedInput.GetProperty("name").GetString());
        Assert.Equal("specialised", fixedInput.GetProperty("kind").GetString());
        Assert.Equal("INT64", fixedInput.GetProperty("elementType").GetString());
        Assert.Equal([12.0, 2.0], fixedInput.GetProperty("value").EnumerateArray().Select(v => v.GetDouble()));
    }

    public static TheoryData<ElementType> NumericTypes()
    {
        var data = new TheoryData<ElementType>();
        foreach (var t in Enum.GetValues<ElementType>().Where(ElementTypes.IsNumeric)) data.Add(t);
        return data;
    }

    private static bool IsUnsigned(ElementType t) => t is ElementType.UInt2 or ElementType.UInt4 or ElementType.UInt8 or ElementType.UInt16
        or ElementType.UInt32 or ElementType.UInt64 or ElementType.Float8E8M0;

    /// <summary>Values every type holds exactly and float32 holds exactly too: small integers, and floats rounded onto the type (and onto float32).</summary>
    private static TypedTensor RandomOf(ElementType type, int seed, params int[] shape)
    {
        var random = new Random(seed);
        int count = shape.Aggregate(1, (a, d) => a * d);
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            int sign = IsUnsigned(type) ? 1 : random.Next(2) * 2 - 1;
            double v = ElementTypes.IsFloat(type) ? (float)(sign * random.NextDouble() * 4) : type == ElementType.Bool ? random.Next(2) : sign * random.Next(1 << 6);
            values[i] = ElementTypes.Coerce(type, v);
        }
        return new TypedTensor(type, shape, values);
    }

    [Theory]
    [MemberData(nameof(NumericTypes))]
    public void Every_input_element_type_round_trips_through_run(ElementType type)
    {
        string dir = Cli.TempDir();
        string model = Write(dir, 21, [Node("Identity", ["x"], ["y"])], [Tensor("x", type, 3, 5)], [Tensor("y", type, 3, 5)]);
        var x = RandomOf(type, (int)type, 3, 5);
        var result = Cli.Run("run", model, "--input", WriteInput(dir, "x.pb", x), "--output-dir", dir);
        Assert.True(result.ExitCode == 0, result.ToString());
        var y = Output(dir);
        Assert.Equal(type, y.Type);
        Assert.Equal(x.Values, y.Values);
    }

    [Theory]
    [MemberData(nameof(NumericTypes))]
    public void Every_output_element_type_is_the_declared_one(ElementType type)
    {
        string dir = Cli.TempDir();
        string model = Write(dir, 21, [Node("Cast", ["x"], ["y"], Attr("to", (long)type))],
            [Tensor("x", ElementType.Float, 4, 6)], [Tensor("y", type, 4, 6)]);
        // Unsigned targets get non-negative values: a negative float cast to an unsigned type is undefined in ONNX.
        var x = RandomFloats((int)type + 50, 4, 6);
        if (IsUnsigned(type)) x = x with { Values = x.Values.Select(Math.Abs).ToArray() };
        var result = Cli.Run("run", model, "--input", WriteInput(dir, "x.npy", x), "--backend", "sim", "--output-dir", dir);
        Assert.True(result.ExitCode == 0, result.ToString());
        var y = Output(dir);
        Assert.Equal(type, y.Type);
        Assert.Equal(x.Values.Select(v => ElementTypes.Coerce(type, v)), y.Values);
    }

    [Fact]
    public void An_input_file_of_another_type_than_declared_is_refused()
    {
        string dir = Cli.TempDir();
        string model = Write(dir, 21, [Node("Identity", ["x"], ["y"])], [Tensor("x", ElementType.Int64, 2)], [Tensor("y", ElementType.Int64, 2)]);
        var result = Cli.Run("run", model, "--input", WriteInput(dir, "x.pb", RandomFloats(1, 2)), "--output-dir", dir);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error DNN3104: input 'x' is declared INT64 but the file holds FLOAT, and its element 0 (", result.Stderr);
        Assert.Contains(") is not a value of INT64", result.Stderr);
    }

    [Fact]
    public void A_file_of_another_type_whose_values_all_fit_is_taken()
    {
        // int32 indices for an int64 input, and NumPy's default float64 for a float32 input (rounded, with a warning).
        string dir = Cli.TempDir();
        string model = Write(dir, 21, [Node("Cast", ["i"], ["f"], Attr("to", (long)ElementType.Float)), Node("Add", ["f", "x"], ["y"])],
            [Tensor("i", ElementType.Int64, 3), Tensor("x", ElementType.Float, 3)], [Tensor("y", ElementType.Float, 3)]);
        var i = new TypedTensor(ElementType.Int32, [3], [4, -2, 7]);
        var x = new TypedTensor(ElementType.Double, [3], [0.1, 0.25, -1.0 / 3]);
        var result = Cli.Run("run", model, "--input", WriteInput(dir, "i.npy", i), "--input", WriteInput(dir, "x.npy", x), "--output-dir", dir);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("warning DNN3107: input 'x' is rounded to float32: element 0 (DOUBLE 0.1)", result.Stderr);
        Assert.Equal(new[] { 4 + (double)(float)0.1, -2 + 0.25, 7 + (double)(float)(-1.0 / 3) }.Select(v => (double)(float)v), Output(dir).Values);
    }

    [Fact]
    public void An_integer_float32_cannot_hold_is_refused_naming_input_and_index()
    {
        string dir = Cli.TempDir();
        string model = Write(dir, 21, [Node("Identity", ["x"], ["y"])], [Tensor("x", ElementType.Int64, 3)], [Tensor("y", ElementType.Int64, 3)]);
        var x = new TypedTensor(ElementType.Int64, [3], [1, 2, (1 << 24) + 1]);
        var result = Cli.Run("run", model, "--input", WriteInput(dir, "x.pb", x), "--output-dir", dir);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error DNN3105: input 'x': element 2 (INT64 16777217) is not exactly a float32 value", result.Stderr);
    }

    [Fact]
    public void A_double_input_is_rounded_to_float32_with_a_warning()
    {
        string dir = Cli.TempDir();
        string model = Write(dir, 21, [Node("Identity", ["x"], ["y"])], [Tensor("x", ElementType.Double, 4)], [Tensor("y", ElementType.Double, 4)]);
        var x = new TypedTensor(ElementType.Double, [4], [0.1, 1.5, -2.25, 1.0 / 3]);
        var result = Cli.Run("run", model, "--input", WriteInput(dir, "x.pb", x), "--output-dir", dir);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("warning DNN3107: input 'x' is rounded to float32: element 0 (DOUBLE 0.1)", result.Stderr);
        var y = Output(dir);
        Assert.Equal(ElementType.Double, y.Type);
        Assert.Equal(x.Values.Select(v => (double)(float)v), y.Values);
    }

    [Fact]
    public void A_zero_size_input_accepts_its_empty_file()
    {
        // out = ReduceSum(x over axis 0, keepdims) + b, with x: float[0, 3]: the sum of nothing is 0, so out = b.
        string dir = Cli.TempDir();
        string model = Write(dir, 11,
            [Node("ReduceSum", ["x"], ["s"], Attr("axes", new long[] { 0 }), Attr("keepdims", 1)), Node("Add", ["s", "b"], ["y"])],
            [Tensor("x", ElementType.Float, 0, 3), Tensor("b", ElementType.Float, 2, 3)], [Tensor("y", ElementType.Float, 2, 3)]);
        var b = RandomFloats(9, 2, 3);
        var result = Cli.Run("run", model, "--input", WriteInput(dir, "x.pb", new TypedTensor(ElementType.Float, [0, 3], [])),
            "--input", WriteInput(dir, "b.pb", b), "--output-dir", dir);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(b.Values, Output(dir).Values);
    }

    [Fact]
    public void Without_nvrtc_build_is_one_diagnostic_and_the_cpu_backends_still_run()
    {
        string example = Cli.Example("mlp");
        var env = new Dictionary<string, string> { ["DNNC_NVRTC_LIBRARY"] = "/nonexistent/libnvrtc.so.12" };
        string dir = Cli.TempDir();
        var build = Cli.Run(env, "build", example, "-o", Path.Combine(dir, "build"));
        Assert.Equal(1, build.ExitCode);
        Assert.Contains("error DNN5001: NVRTC is not available", build.Stderr);
        Assert.Contains("libnvrtc11.2", build.Stderr);
        Assert.DoesNotContain("internal error", build.Stderr);
        Assert.DoesNotContain("AggregateException", build.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir, "build")));
        foreach (var backend in new[] { "sim", "reference" })
        {
            var run = Cli.Run(env, "run", example, "--seed", "3", "--backend", backend, "--output-dir", Path.Combine(dir, backend));
            Assert.True(run.ExitCode == 0, run.ToString());
        }
    }

    [Fact]
    public void Onnxruntime_runs_the_same_files_and_compare_holds_dnnc_against_it()
    {
        // y = Reshape(data * 3 + 1, shape), shape an INT64 graph input; z = Cast(data > 0) to INT64.
        string dir = Cli.TempDir();
        string model = Write(dir, 14,
            [Node("Mul", ["data", "three"], ["m"]), Node("Add", ["m", "one"], ["a"]), Node("Reshape", ["a", "shape"], ["y"]),
             Node("Greater", ["data", "zero"], ["g"]), Node("Cast", ["g"], ["z"], Attr("to", (long)ElementType.Int64))],
            [Tensor("data", ElementType.Float, 2, 3, 4), Tensor("shape", ElementType.Int64, 2), Tensor("three", ElementType.Float),
             Tensor("one", ElementType.Float), Tensor("zero", ElementType.Float)],
            [Tensor("y", ElementType.Float, null, null), Tensor("z", ElementType.Int64, 2, 3, 4)]);
        var inputs = new[]
        {
            WriteInput(dir, "data.npy", RandomFloats(21, 2, 3, 4)), WriteInput(dir, "shape.pb", Shape(6, 4)),
            WriteInput(dir, "three.pb", new TypedTensor(ElementType.Float, [], [3])), WriteInput(dir, "one.pb", new TypedTensor(ElementType.Float, [], [1])),
            WriteInput(dir, "zero.pb", new TypedTensor(ElementType.Float, [], [0])),
        };
        var inputArgs = inputs.SelectMany(i => new[] { "--input", i }).ToArray();

        var ort = Cli.Run(["run", model, .. inputArgs, "--backend", "onnxruntime", "--output-dir", Path.Combine(dir, "ort")]);
        Assert.True(ort.ExitCode == 0, ort.ToString());
        var sim = Cli.Run(["run", model, .. inputArgs, "--backend", "sim", "--output-dir", Path.Combine(dir, "sim")]);
        Assert.True(sim.ExitCode == 0, sim.ToString());
        for (int j = 0; j < 2; j++)
        {
            var expected = Output(Path.Combine(dir, "ort"), j);
            var actual = Output(Path.Combine(dir, "sim"), j);
            Assert.Equal(expected.Type, actual.Type);
            Assert.Equal(expected.Shape, actual.Shape);
            Assert.Equal(expected.Values, actual.Values);
        }
        Assert.Equal(ElementType.Int64, Output(Path.Combine(dir, "ort"), 1).Type);

        var compare = Cli.Run(["compare", model, "--against", "onnxruntime", .. inputArgs, "--backend", "reference"]);
        Assert.True(compare.ExitCode == 0, compare.ToString());
        Assert.Contains("compare output_0 name=y shape=6x4 type=FLOAT elements=24", compare.Stdout);
        Assert.Contains("compare output_1 name=z shape=2x3x4 type=INT64 elements=24 max_abs=0E+00 rel_l2=0E+00 result=ok", compare.Stdout);
        Assert.Contains("compare-summary tensors=2 result=ok", compare.Stdout);
    }

    [Fact]
    public void Onnxruntime_takes_onnx_models_only()
    {
        var result = Cli.Run("run", Cli.Example("mlp"), "--seed", "1", "--backend", "onnxruntime", "--output-dir", Cli.TempDir());
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--backend onnxruntime runs ONNX models only", result.Stderr);
    }
}
