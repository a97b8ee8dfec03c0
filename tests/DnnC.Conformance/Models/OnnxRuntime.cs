using System.Diagnostics;
using DnnC.Compiler.Tensors;
using DnnC.Conformance.Reporting;
using DnnC.Conformance.Suite;
using DnnC.Runtime;

namespace DnnC.Conformance.Models;

/// <summary>
/// ONNX Runtime (CPU, npm onnxruntime-node 1.30.0) run through tests/ort/run_model.mjs: the
/// independent engine DnnC is compared with on real models.
/// </summary>
public static class OnnxRuntime
{
    public static string Directory => Path.Combine(RepoPaths.Root, "tests", "ort");

    public static string Script => Path.Combine(Directory, "run_model.mjs");

    /// <summary>Null when it can run; otherwise what is missing and how to install it.</summary>
    public static string? Unavailable() =>
        System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "onnxruntime-node"))
            ? null
            : $"onnxruntime-node is not installed in {Directory}; run scripts/setup.sh " +
              "(or: cd tests/ort && ONNXRUNTIME_NODE_INSTALL=skip npm install)";

    /// <summary>Runs <paramref name="model"/> on float32 inputs in the model's input order; outputs in the model's output order.</summary>
    public static IReadOnlyList<TensorValues> Run(byte[] model, IReadOnlyList<HostTensor> inputs, TimeSpan? timeout = null)
    {
        string work = Path.Combine(Path.GetTempPath(), $"dnnc-ort-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(work);
        try
        {
            string modelPath = Path.Combine(work, "model.onnx");
            File.WriteAllBytes(modelPath, model);
            var start = new ProcessStartInfo("node") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in new[] { Script, modelPath, Path.Combine(work, "out") }) start.ArgumentList.Add(arg);
            for (int i = 0; i < inputs.Count; i++)
            {
                string path = Path.Combine(work, $"input_{i}.pb");
                TensorFiles.WriteTensorProto(path, "", inputs[i]);
                start.ArgumentList.Add(path);
            }
            using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("ONNX Runtime did not finish in time");
            }
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"ONNX Runtime failed (exit {process.ExitCode}): {stderr.Result}{stdout.Result}");
            var outputs = new List<TensorValues>();
            for (int j = 0; File.Exists(Path.Combine(work, "out", $"output_{j}.pb")); j++)
                outputs.Add(TensorValues.Decode(File.ReadAllBytes(Path.Combine(work, "out", $"output_{j}.pb"))));
            return outputs;
        }
        finally
        {
            System.IO.Directory.Delete(work, recursive: true);
        }
    }
}
