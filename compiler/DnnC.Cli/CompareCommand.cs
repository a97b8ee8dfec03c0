using System.CommandLine;
using System.Globalization;
using DnnC.Compiler.Tensors;

namespace DnnC.Cli;

/// <summary>
/// <c>dnnc compare ACTUAL EXPECTED [--max-rel-l2 X]</c>: two tensor files, or two <c>run</c> output
/// directories (every output_&lt;i&gt;.pb in EXPECTED against the same file in ACTUAL). Prints one
/// <c>compare</c> line per tensor with the max abs and relative L2 difference; exit 1 when any is
/// over the tolerance, missing, or of another shape. The GPU check compares backends with it.
/// </summary>
public static class CompareCommand
{
    public static Command Create()
    {
        var actual = ModelArgument.Create("a tensor file (.pb or .npy) or a directory of output_<i>.pb", "ACTUAL");
        var expected = ModelArgument.Create("the baseline: a tensor file or a directory of output_<i>.pb", "EXPECTED");
        var tolerance = new Option<double>("--max-rel-l2") { Description = "largest relative L2 difference accepted", DefaultValueFactory = _ => 1e-4 };
        var command = new Command("compare", "compare tensors (or two run output directories) by max abs and relative L2 difference")
        {
            actual, expected, tolerance,
        };
        command.SetAction(parse => CommandRunner.Guard(() =>
        {
            string a = parse.GetValue(actual)!, e = parse.GetValue(expected)!;
            double limit = parse.GetValue(tolerance);
            var pairs = Pairs(a, e);
            bool ok = true;
            foreach (var (label, actualPath, expectedPath) in pairs) ok &= CompareOne(label, actualPath, expectedPath, limit);
            Console.WriteLine($"compare-summary tensors={pairs.Count} result={(ok ? "ok" : "FAIL")} max_rel_l2={Number(limit)}");
            return ok ? ExitCodes.Ok : ExitCodes.ModelErrors;
        }));
        return command;
    }

    private static List<(string Label, string Actual, string Expected)> Pairs(string actual, string expected)
    {
        if (Directory.Exists(actual) != Directory.Exists(expected))
            throw new UsageException("compare takes two tensor files or two directories, not one of each");
        if (!Directory.Exists(expected)) return [(Path.GetFileName(actual), actual, expected)];
        var files = Directory.GetFiles(expected, "output_*.pb").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new UsageException($"'{expected}' holds no output_<i>.pb");
        return files.Select(f => (f!, Path.Combine(actual, f!), Path.Combine(expected, f!))).ToList();
    }

    private static bool CompareOne(string label, string actualPath, string expectedPath, double limit)
    {
        if (!File.Exists(actualPath))
        {
            Console.WriteLine($"compare {label} result=FAIL reason=missing-in-actual");
            return false;
        }
        var (name, expected) = TensorFiles.Read(expectedPath);
        var (_, actual) = TensorFiles.Read(actualPath);
        string named = name is null ? "" : $" name={string.Concat(name.Select(c => char.IsWhiteSpace(c) ? '_' : c))}";
        if (!actual.Shape.SequenceEqual(expected.Shape))
        {
            Console.WriteLine($"compare {label}{named} result=FAIL reason=shape actual={string.Join("x", actual.Shape)} expected={string.Join("x", expected.Shape)}");
            return false;
        }
        var d = TensorDifference.Measure(actual, expected);
        bool ok = d.Within(limit);
        Console.WriteLine($"compare {label}{named} elements={d.Elements} max_abs={Number(d.MaxAbs)} rel_l2={Number(d.RelativeL2)} result={(ok ? "ok" : "FAIL")}");
        return ok;
    }

    private static string Number(double v) => v.ToString("0.###E+00", CultureInfo.InvariantCulture);
}
