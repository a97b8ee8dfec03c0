using System.CommandLine;
using System.Globalization;
using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Tensors;
using DnnC.Runtime.Cuda;
using DnnC.Runtime.Numerics;

namespace DnnC.Cli;

/// <summary>
/// <c>dnnc compare ACTUAL EXPECTED [--max-rel-l2 X]</c>: two tensor files, or two <c>run</c> output
/// directories (every output_&lt;i&gt;.pb in EXPECTED against the same file in ACTUAL).
/// <c>dnnc compare MODEL --against onnxruntime --input ... [--backend B]</c>: runs the same inputs
/// through ONNX Runtime and through a DnnC backend (as Polygraphy's <c>run --onnxrt --trt</c> serves
/// TensorRT users). Either way one <c>compare</c> line per tensor gives its shape, element type, max
/// abs and relative L2 difference, and ok or FAIL; exit 1 when any is over the tolerance, missing,
/// or of another shape or element type. The GPU check compares backends with it.
/// </summary>
public static class CompareCommand
{
    public static Command Create()
    {
        var actual = ModelArgument.Create("a tensor file (.pb or .npy), a directory of output_<i>.pb, or (with --against) an .onnx model", "ACTUAL");
        var expected = ModelArgument.Create("the baseline: a tensor file or a directory of output_<i>.pb (not with --against)", "EXPECTED");
        expected.Arity = ArgumentArity.ZeroOrOne;
        var tolerance = new Option<double>("--max-rel-l2") { Description = "largest relative L2 difference accepted", DefaultValueFactory = _ => 1e-4 };
        var maxAbs = new Option<double?>("--max-abs") { Description = "also accept a tensor whose largest absolute difference is at most this (probabilities, tiny values)" };
        var against = new Option<string?>("--against") { Description = "onnxruntime: run MODEL through ONNX Runtime as the baseline" }
            .AcceptOnlyFromAmong(OnnxRuntimeBackend.Name);
        var backend = RunCommand.Backend();
        backend.DefaultValueFactory = _ => "sim";
        var inputs = new Option<string[]>("--input") { Description = "with --against: [NAME=]FILE input tensors, as for run" };
        var values = InputValueOption.Create();
        var seed = new Option<int?>("--seed") { Description = "with --against: fill every input not given as a file with seeded values" };
        var command = new Command("compare", "compare tensors, two run output directories, or a model on DnnC against ONNX Runtime")
        {
            actual, expected, tolerance, maxAbs, against, backend, inputs, values, seed,
        };
        command.SetAction(parse => CommandRunner.Guard(() =>
        {
            var limit = new Limit(parse.GetValue(tolerance), parse.GetValue(maxAbs));
            string a = parse.GetValue(actual)!;
            string? e = parse.GetValue(expected);
            List<Comparison> pairs;
            if (parse.GetValue(against) is not null)
            {
                if (e is not null) throw new UsageException("compare MODEL --against onnxruntime takes no EXPECTED");
                pairs = AgainstOnnxRuntime(a, parse.GetValue(backend)!, parse.GetValue(inputs) ?? [], parse.GetValue(values) ?? [], parse.GetValue(seed));
            }
            else
            {
                if (e is null) throw new UsageException("compare takes ACTUAL and EXPECTED, or MODEL --against onnxruntime");
                pairs = Files(a, e);
            }
            bool ok = true;
            foreach (var pair in pairs) ok &= CompareOne(pair, limit);
            Console.WriteLine($"compare-summary tensors={pairs.Count} result={(ok ? "ok" : "FAIL")} max_rel_l2={Number(limit.RelativeL2)}" +
                              (limit.Abs is double m ? $" max_abs={Number(m)}" : ""));
            return ok ? ExitCodes.Ok : ExitCodes.ModelErrors;
        }));
        return command;
    }

    private sealed record Limit(double RelativeL2, double? Abs)
    {
        public bool Accepts(TensorDifference d) => d.Within(RelativeL2) || Abs is double m && d.MaxAbs <= m;
    }

    /// <summary>One tensor to compare; a null side is missing.</summary>
    private sealed record Comparison(string Label, string? Name, TypedTensor? Actual, TypedTensor Expected);

    private static List<Comparison> Files(string actual, string expected)
    {
        if (Directory.Exists(actual) != Directory.Exists(expected))
            throw new UsageException("compare takes two tensor files or two directories, not one of each");
        List<(string Label, string Actual, string Expected)> paths;
        if (!Directory.Exists(expected)) paths = [(Path.GetFileName(actual), actual, expected)];
        else
        {
            var files = Directory.GetFiles(expected, "output_*.pb").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0) throw new UsageException($"'{expected}' holds no output_<i>.pb");
            paths = files.Select(f => (f!, Path.Combine(actual, f!), Path.Combine(expected, f!))).ToList();
        }
        return paths.Select(p =>
        {
            var (name, e) = TensorFiles.ReadTyped(p.Expected);
            return new Comparison(p.Label, name, File.Exists(p.Actual) ? TensorFiles.ReadTyped(p.Actual).Tensor : null, e);
        }).ToList();
    }

    /// <summary>The model on a DnnC backend and on ONNX Runtime, with the same input files and seeded values.</summary>
    private static List<Comparison> AgainstOnnxRuntime(string model, string backend, string[] inputFlags, string[] valueFlags, int? seed)
    {
        if (backend == OnnxRuntimeBackend.Name) throw new UsageException("--backend names the DnnC backend to hold against ONNX Runtime");
        var (shapes, files) = RunInputs.Split(inputFlags);
        var diagnostics = new DiagnosticBag();
        var loaded = ModelFrontDoor.Load(model, new CompileOverrides(), new GivenInputs(files, shapes, valueFlags), diagnostics);
        var feeds = ModelFrontDoor.Feeds(loaded, seed, diagnostics);
        CudaDevice? device = null;
        try
        {
            string chosen = RunCommand.Choose(backend, out device);
            var (results, _) = RunCommand.Execute(chosen, device, loaded.Graph, feeds, useGraph: true, RunCommand.BenchRequest.None, diagnostics);
            var ours = OnnxRuntimeBackend.Typed(loaded.Graph, results);
            var theirs = OnnxRuntimeBackend.Run(model, loaded, feeds);
            CommandRunner.PrintDiagnostics(diagnostics.Items.Where(d => !d.IsError));
            return theirs.Select((t, i) => new Comparison($"output_{i}", t.Name,
                ours.FirstOrDefault(o => o.Name == t.Name).Tensor, t.Tensor)).ToList();
        }
        finally
        {
            device?.Dispose();
        }
    }

    private static bool CompareOne(Comparison c, Limit limit)
    {
        string named = c.Name is null ? "" : $" name={string.Concat(c.Name.Select(ch => char.IsWhiteSpace(ch) ? '_' : ch))}";
        if (c.Actual is not { } actual)
        {
            Console.WriteLine($"compare {c.Label}{named} result=FAIL reason=missing-in-actual");
            return false;
        }
        var expected = c.Expected;
        if (!actual.Shape.SequenceEqual(expected.Shape))
        {
            Console.WriteLine($"compare {c.Label}{named} result=FAIL reason=shape actual={string.Join("x", actual.Shape)} expected={string.Join("x", expected.Shape)}");
            return false;
        }
        if (actual.Type != expected.Type)
        {
            Console.WriteLine($"compare {c.Label}{named} result=FAIL reason=element-type actual={ElementTypes.Name(actual.Type)} expected={ElementTypes.Name(expected.Type)}");
            return false;
        }
        var d = TensorDifference.Measure(actual, expected);
        bool ok = limit.Accepts(d);
        Console.WriteLine($"compare {c.Label}{named} shape={string.Join("x", expected.Shape)} type={ElementTypes.Name(expected.Type)} " +
                          $"elements={d.Elements} max_abs={Number(d.MaxAbs)} rel_l2={Number(d.RelativeL2)} result={(ok ? "ok" : "FAIL")}");
        return ok;
    }

    private static string Number(double v) => v.ToString("0.###E+00", CultureInfo.InvariantCulture);
}
