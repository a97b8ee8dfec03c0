using DnnC.Compiler.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace DnnC.Cli;

/// <summary>
/// One ONNX Runtime InferenceSession, for callers that run a model more than once (benchmarks time
/// <see cref="Run"/> on a session that has already run, as ORT's own users do).
/// </summary>
public sealed class OnnxRuntimeSession : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;

    private OnnxRuntimeSession(Func<SessionOptions, InferenceSession> open)
    {
        if (OnnxRuntimeEngine.Unavailable() is { } missing) throw new OnnxRuntimeFailedException(missing);
        // All of this machine's cores, as the simulator uses; warnings (ORT's notes on unused initializers) stay quiet.
        _options = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        try
        {
            _session = open(_options);
        }
        catch (OnnxRuntimeException e)
        {
            _options.Dispose();
            // The managed API reads every graph input's and output's type when it opens a session, and has no FP8 or 4-bit ones.
            string unsupported = e.Message.Contains("Unregistered TensorElementType")
                ? $" (a graph input or output has an element type ONNX Runtime's C# API has no tensors of; {OrtTensors.SupportedTypes})"
                : "";
            throw new OnnxRuntimeFailedException($"ONNX Runtime could not load the model: {e.Message}{unsupported}", e);
        }
    }

    public static OnnxRuntimeSession Open(string modelPath) => new(options => new InferenceSession(modelPath, options));

    public static OnnxRuntimeSession Open(byte[] model) => new(options => new InferenceSession(model, options));

    public IReadOnlyList<string> InputNames => _session.InputNames;

    public IReadOnlyList<string> OutputNames => _session.OutputNames;

    /// <summary>
    /// Runs the model on <paramref name="inputs"/>: each binds to the model input of its name, or, when its name is
    /// empty, to the model input at its position. Returns every graph output in the model's output order.
    /// </summary>
    public IReadOnlyList<(string Name, TypedTensor Tensor)> Run(IReadOnlyList<(string Name, TypedTensor Tensor)> inputs)
    {
        var names = BindNames(inputs);
        var values = new List<OrtValue>(inputs.Count);
        try
        {
            for (int i = 0; i < inputs.Count; i++) values.Add(OrtTensors.ToOrt(names[i], inputs[i].Tensor));
            using var runOptions = new RunOptions();
            using var outputs = RunOrThrow(runOptions, names, values);
            return _session.OutputNames.Zip(outputs, (name, value) => (name, OrtTensors.FromOrt(name, value))).ToArray();
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    private IDisposableReadOnlyCollection<OrtValue> RunOrThrow(RunOptions runOptions, string[] names, List<OrtValue> values)
    {
        try
        {
            return _session.Run(runOptions, names, values, _session.OutputNames);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxRuntimeFailedException($"ONNX Runtime failed to run the model: {e.Message}", e);
        }
    }

    private string[] BindNames(IReadOnlyList<(string Name, TypedTensor Tensor)> inputs)
    {
        var modelInputs = _session.InputNames;
        var names = new string[inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
        {
            string name = inputs[i].Name;
            if (name.Length == 0)
                name = i < modelInputs.Count ? modelInputs[i] : throw new ArgumentException($"input {i} has no name and the model has only {modelInputs.Count} inputs");
            else if (!modelInputs.Contains(name))
                throw new ArgumentException($"the model has no input named '{name}'; its inputs: {string.Join(", ", modelInputs)}");
            if (names.Take(i).Contains(name)) throw new ArgumentException($"model input '{name}' is given twice");
            names[i] = name;
        }
        return names;
    }

    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
    }
}


/// <summary>ONNX Runtime refused the model or failed while running it; the message includes ORT's own.</summary>
public sealed class OnnxRuntimeFailedException : Exception
{
    public OnnxRuntimeFailedException(string message) : base(message) { }

    public OnnxRuntimeFailedException(string message, Exception inner) : base(message, inner) { }
}
