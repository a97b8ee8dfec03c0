using System.CommandLine;
using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Reference;
using DnnC.Compiler.Tensors;
using DnnC.Runtime;
using DnnC.Simulator;

namespace DnnC.Cli;

/// <summary>
/// <c>dnnc run MODEL --input [NAME=]FILE ...</c>: executes the model and writes one
/// <c>output_&lt;i&gt;.pb</c> per graph output, in graph order, with the output's name set.
/// </summary>
public static class RunCommand
{
    public static Command Create()
    {
        var model = ModelArgument.Create("a .dnn or .onnx model");
        var inputs = new Option<string[]>("--input") { Description = "[NAME=]FILE: an input tensor (.pb TensorProto or .npy); unnamed inputs bind in graph order" };
        var backend = new Option<string>("--backend") { Description = "reference|sim|cuda|auto", DefaultValueFactory = _ => "reference" }
            .AcceptOnlyFromAmong("reference", "sim", "cuda", "auto");
        var outputDir = new Option<string>("--output-dir") { Description = "where output_<i>.pb go (default: current directory)", DefaultValueFactory = _ => "." };
        var shared = new SharedOptions();
        var command = new Command("run", "execute a model on input tensors") { model, inputs, backend, outputDir };
        shared.AddTo(command);
        command.SetAction(parse => CommandRunner.Guard(() =>
        {
            var overrides = shared.Read(parse);
            string chosen = parse.GetValue(backend)!;
            if (chosen == "cuda")
                throw new CompilationFailedException([Diag.BackendUnavailable(chosen, "the CUDA runtime is not implemented in this version; use --backend sim or reference")]);
            if (chosen == "auto")
            {
                // No CUDA runtime yet, so auto means the simulator: the same plan the GPU would run.
                chosen = "sim";
                Console.Error.WriteLine("dnnc: --backend auto chose 'sim' (the CUDA runtime is not available in this version)");
            }

            var diagnostics = new DiagnosticBag();
            var graph = BuildPipeline.Load(parse.GetValue(model)!, overrides, diagnostics);
            var feeds = BindInputs(graph, parse.GetValue(inputs) ?? [], diagnostics);
            IReadOnlyDictionary<string, HostTensor> results;
            if (chosen == "sim")
            {
                var (optimized, plan) = SimulatorBackend.Lower(graph, diagnostics);
                results = PlanSimulator.Run(plan, optimized.Weights.Items, feeds);
            }
            else
            {
                results = ReferenceExecutor.Run(graph, feeds);
            }
            WriteOutputs(graph, results, parse.GetValue(outputDir)!);
            CommandRunner.PrintDiagnostics(diagnostics.Items.Where(d => !d.IsError));
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Reads every input file and checks it against the model before anything runs.</summary>
    internal static Dictionary<string, HostTensor> BindInputs(Graph graph, string[] flags, DiagnosticBag diagnostics)
    {
        var feeds = new Dictionary<string, HostTensor>();
        int positional = 0;
        foreach (var flag in flags)
        {
            int eq = flag.IndexOf('=');
            string? name = eq > 0 && graph.Inputs.Any(i => i.Name == flag[..eq]) ? flag[..eq] : null;
            string path = name is null ? flag : flag[(eq + 1)..];
            if (name is null)
            {
                var unbound = graph.Inputs.Where(i => !feeds.ContainsKey(i.Name)).Skip(0).ToList();
                if (positional >= graph.Inputs.Count || unbound.Count == 0)
                {
                    diagnostics.Add(Diag.BadInputBinding(flag, $"the model has only {graph.Inputs.Count} input(s)"));
                    continue;
                }
                name = unbound[0].Name;
                positional++;
            }
            HostTensor tensor;
            try
            {
                tensor = TensorFiles.Read(path).Tensor;
            }
            catch (TensorFileException e)
            {
                diagnostics.Add(Diag.TensorFile(e));
                continue;
            }
            var declared = graph.Inputs.First(i => i.Name == name).Type;
            if (!declared.Shape.SequenceEqual(tensor.Shape))
                diagnostics.Add(Diag.InputShapeMismatch(path, name, declared.ToString(), tensor.ShapeText));
            else if (!feeds.TryAdd(name, tensor))
                diagnostics.Add(Diag.BadInputBinding(flag, $"input '{name}' is given twice"));
        }
        foreach (var missing in graph.Inputs.Where(i => !feeds.ContainsKey(i.Name)))
            if (!diagnostics.HasErrors)
                diagnostics.Add(Diag.BadInputBinding("", $"no tensor given for input '{missing.Name}' {missing.Type}; pass --input {missing.Name}=FILE"));
        if (diagnostics.HasErrors) throw new CompilationFailedException(diagnostics.Items);
        return feeds;
    }

    private static void WriteOutputs(Graph graph, IReadOnlyDictionary<string, HostTensor> results, string directory)
    {
        // All outputs are written to a staging directory first and moved into place together.
        Directory.CreateDirectory(directory);
        string staging = Path.Combine(directory, $".dnnc-run-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            for (int i = 0; i < graph.Outputs.Count; i++)
                TensorFiles.WriteTensorProto(Path.Combine(staging, $"output_{i}.pb"), graph.Outputs[i].Name, results[graph.Outputs[i].Name]);
            for (int i = 0; i < graph.Outputs.Count; i++)
                File.Move(Path.Combine(staging, $"output_{i}.pb"), Path.Combine(directory, $"output_{i}.pb"), overwrite: true);
            for (int i = 0; i < graph.Outputs.Count; i++)
                Console.WriteLine($"output_{i}.pb: {graph.Outputs[i].Name} {results[graph.Outputs[i].Name].ShapeText}");
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }
}
