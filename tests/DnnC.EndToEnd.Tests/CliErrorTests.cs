namespace DnnC.EndToEnd.Tests;

/// <summary>Bad input gets a diagnostic and exit 1 (model) or 2 (usage), never a stack trace or partial output.</summary>
public class CliErrorTests
{
    private static void AssertNoStackTrace(CliResult result) =>
        Assert.DoesNotContain("   at ", result.Stderr + result.Stdout);

    [Fact]
    public void Missing_model_file_exits_1_and_writes_nothing()
    {
        string dir = Path.Combine(Cli.TempDir(), "out");
        var result = Cli.Run("build", "no/such/model.dnn", "-o", dir);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error DNN9001", result.Stderr);
        Assert.False(Directory.Exists(dir));
        AssertNoStackTrace(result);
    }

    [Fact]
    public void Model_with_errors_exits_1_and_writes_nothing()
    {
        string root = Cli.TempDir();
        string model = Path.Combine(root, "bad.dnn");
        File.WriteAllText(model, "model Bad(x: f32[1, 4]) -> (y) {\n  y = x |> relu |> conv2\n}\n");
        string dir = Path.Combine(root, "out");
        var result = Cli.Run("build", model, "-o", dir);
        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"bad\.dnn\(\d+,\d+\): error DNN1\d{3}", result.Stderr);
        Assert.False(Directory.Exists(dir));
        AssertNoStackTrace(result);
    }

    [Fact]
    public void Failed_rebuild_keeps_the_previous_output_intact()
    {
        string root = Cli.TempDir();
        string dir = Path.Combine(root, "out");
        Assert.Equal(0, Cli.Run("build", Cli.Example("mlp"), "-o", dir).ExitCode);
        var before = Directory.GetFiles(dir).Select(File.ReadAllBytes).ToList();
        string model = Path.Combine(root, "bad.dnn");
        File.WriteAllText(model, "model Bad(x: f32[1, 4]) -> (y) {\n  y = undefined_name\n}\n");

        Assert.Equal(1, Cli.Run("build", model, "-o", dir).ExitCode);

        Assert.Equal(before, Directory.GetFiles(dir).Select(File.ReadAllBytes).ToList());
    }

    [Theory]
    [InlineData("build", "--no-such-flag")]
    [InlineData("frobnicate")]
    [InlineData("build")]
    [InlineData("build", "MODEL", "--precision", "fp64")]
    public void Usage_errors_exit_2(params string[] args)
    {
        var result = Cli.Run(args.Select(a => a == "MODEL" ? Cli.Example("mlp") : a).ToArray());
        Assert.True(result.ExitCode == 2, result.ToString());
        AssertNoStackTrace(result);
    }

    [Fact]
    public void Unknown_target_is_a_usage_error_with_a_suggestion()
    {
        var result = Cli.Run("build", Cli.Example("mlp"), "--target", "h10", "-o", Path.Combine(Cli.TempDir(), "o"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("DNN9006", result.Stderr);
        Assert.Contains("did you mean", result.Stderr);
    }

    [Fact]
    public void Unimplemented_pass_flags_say_so_instead_of_being_ignored()
    {
        var result = Cli.Run("build", Cli.Example("mlp"), "--sparsity", "2:4", "-o", Path.Combine(Cli.TempDir(), "o"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("not implemented", result.Stderr);
    }

    [Fact]
    public void Input_shape_flag_that_contradicts_the_model_is_an_error()
    {
        var result = Cli.Run("build", Cli.Example("resnet_block"), "--input", "x=1x3x4x4", "-o", Path.Combine(Cli.TempDir(), "o"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("declared", result.Stderr);
    }

    [Fact]
    public void Check_reports_ok_for_a_good_model_and_errors_for_a_bad_one()
    {
        var ok = Cli.Run("check", Cli.Example("resnet_block"));
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains("ok", ok.Stdout);

        string model = Path.Combine(Cli.TempDir(), "bad.dnn");
        File.WriteAllText(model, "model Bad(x: f32[1, 4]) -> (y) {\n  y = x + z\n}\n");
        var bad = Cli.Run("check", model);
        Assert.Equal(1, bad.ExitCode);
        AssertNoStackTrace(bad);
    }

    [Fact]
    public void Check_takes_the_input_shapes_its_dynamic_dimension_error_asks_for()
    {
        string model = Path.Combine(Cli.RepoRoot, "..", "shared", "models", "ppocr_mobile_v2_cls.onnx");
        var unset = Cli.Run("check", model);
        Assert.Equal(1, unset.ExitCode);
        Assert.Contains("--input x=", unset.Stderr + unset.Stdout);
        var fixedShape = Cli.Run("check", model, "--input", "x=1x3x48x192");
        Assert.True(fixedShape.ExitCode == 0, fixedShape.ToString());
        Assert.Contains("ok", fixedShape.Stdout);
    }
}
