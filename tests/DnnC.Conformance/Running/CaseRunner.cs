using DnnC.Compiler.Onnx.Proto;
using DnnC.Compiler.Tensors;
using DnnC.Conformance.Suite;
using DnnC.Runtime.Numerics;
using Google.Protobuf;

namespace DnnC.Conformance.Running;

/// <summary>
/// Runs one case the way a user would: the case's model.onnx and its input_*.pb files, unchanged,
/// written to a folder and given to <c>dnnc run MODEL --input FILE... --backend B --output-dir DIR</c>
/// (in process); then each written output_j.pb is compared with the expected one, element type,
/// shape and values. Whatever dnnc refuses with a diagnostic (exit 1) is unsupported; a usage or
/// internal error (exit 2 or 3) is an error of the case.
/// </summary>
public sealed class CaseRunner(string backend, Tolerance tolerance, string workRoot)
{
    public CaseResult Run(NodeTestCase testCase)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(testCase.Model);
        }
        catch (InvalidProtocolBufferException e)
        {
            return new CaseResult(testCase.Name, [], CaseOutcome.Error, $"model.onnx does not parse: {FirstLine(e.Message)}");
        }
        var ops = ModelFacts.Of(model).Ops;
        var dataTypes = testCase.Inputs.Concat(testCase.Outputs).Select(ElementTypeName).Distinct().Order(StringComparer.Ordinal).ToList();
        string folder = Path.Combine(workRoot, testCase.Name);
        try
        {
            var (outcome, detail) = Execute(testCase, folder);
            return new CaseResult(testCase.Name, ops, outcome, detail, DataTypes: dataTypes);
        }
        catch (Exception e)
        {
            return new CaseResult(testCase.Name, ops, CaseOutcome.Error, $"{e.GetType().Name}: {FirstLine(e.Message)}", DataTypes: dataTypes);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    private (CaseOutcome, string) Execute(NodeTestCase testCase, string folder)
    {
        string data = Path.Combine(folder, "test_data_set_0");
        string output = Path.Combine(folder, "out");
        Directory.CreateDirectory(data);
        string modelPath = Path.Combine(folder, "model.onnx");
        File.WriteAllBytes(modelPath, testCase.Model);
        var args = new List<string> { "run", modelPath };
        for (int i = 0; i < testCase.Inputs.Count; i++)
        {
            string input = Path.Combine(data, $"input_{i}.pb");
            File.WriteAllBytes(input, testCase.Inputs[i]);
            args.AddRange(["--input", input]);
        }
        args.AddRange(["--backend", backend, "--output-dir", output]);

        var run = CliCapture.Run(args.ToArray());
        // Paths in messages are made relative to the case folder, so reports do not name a temporary folder.
        string Reason() => FirstError(run.Stderr).Replace(folder + Path.DirectorySeparatorChar, "");
        if (run.ExitCode == 1) return (CaseOutcome.Unsupported, Reason());
        if (run.ExitCode != 0) return (CaseOutcome.Error, $"dnnc exited {run.ExitCode}: {Reason()}");

        var mismatches = new List<string>();
        for (int j = 0; j < testCase.Outputs.Count; j++)
        {
            TypedTensor expected;
            try
            {
                expected = TensorFiles.ReadTyped(testCase.Outputs[j], $"output_{j}.pb").Tensor;
            }
            catch (TensorFileException e)
            {
                return (CaseOutcome.Unsupported, $"expected output {j}: {e.Detail}");
            }
            string written = Path.Combine(output, $"output_{j}.pb");
            if (!File.Exists(written)) return (CaseOutcome.Error, $"dnnc run wrote no output_{j}.pb");
            var actual = TensorFiles.ReadTyped(written).Tensor;
            if (tolerance.Mismatch(expected, actual) is { } mismatch) mismatches.Add($"output {j}: {mismatch}");
        }
        return mismatches.Count == 0 ? (CaseOutcome.Passed, "") : (CaseOutcome.Failed, string.Join("; ", mismatches));
    }

    /// <summary>"DNNxxxx: message" of the first error dnnc printed, or its first line.</summary>
    private static string FirstError(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var error = lines.FirstOrDefault(l => l.Contains("error DNN", StringComparison.Ordinal));
        if (error is not null) return error[(error.IndexOf("error DNN", StringComparison.Ordinal) + "error ".Length)..];
        return lines.FirstOrDefault() ?? "(dnnc printed nothing)";
    }

    private static string ElementTypeName(byte[] tensor) =>
        ElementTypes.Name((ElementType)TensorProto.Parser.ParseFrom(tensor).DataType);

    internal static string FirstLine(string text)
    {
        int newline = text.IndexOfAny(['\r', '\n']);
        return newline < 0 ? text : text[..newline];
    }
}
