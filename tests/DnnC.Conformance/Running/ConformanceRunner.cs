using System.Collections.Concurrent;
using DnnC.Conformance.Suite;

namespace DnnC.Conformance.Running;

/// <summary>How to run the suite; <see cref="Backend"/> is what <c>dnnc run --backend</c> takes (reference or sim).</summary>
public sealed record ConformanceOptions(string SuitePath, string Backend)
{
    /// <summary>Only cases whose name contains this (case-insensitive); null runs all.</summary>
    public string? Filter { get; init; }

    /// <summary>A case still running after this long is reported as an error and abandoned.</summary>
    public TimeSpan CaseTimeout { get; init; } = TimeSpan.FromSeconds(20);

    public int Parallelism { get; init; } = 2;

    public Tolerance Tolerance { get; init; } = Tolerance.Onnx;
}

/// <summary>Runs the ONNX node suite straight from its archive on one backend.</summary>
public static class ConformanceRunner
{
    /// <summary>Every selected case's verdict, sorted by name, with op families assigned.</summary>
    public static IReadOnlyList<CaseResult> Run(ConformanceOptions options, Action<CaseResult>? progress = null)
    {
        if (!File.Exists(options.SuitePath))
            throw new FileNotFoundException($"the ONNX node suite is not at '{options.SuitePath}'", options.SuitePath);
        // Each case's files live in a folder of their own under one work folder, removed at the end.
        string work = Path.Combine(Path.GetTempPath(), $"dnnc-conformance-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            return Run(options, new CaseRunner(options.Backend, options.Tolerance, work), progress);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); }
            catch (IOException) { /* a timed-out case may still hold its folder; the OS cleans temp */ }
        }
    }

    private static IReadOnlyList<CaseResult> Run(ConformanceOptions options, CaseRunner runner, Action<CaseResult>? progress)
    {
        var cases = NodeTestArchive.Read(options.SuitePath)
            .Where(c => options.Filter is null || c.Name.Contains(options.Filter, StringComparison.OrdinalIgnoreCase));
        var results = new ConcurrentBag<CaseResult>();
        // NoBuffering: the archive is decompressed only as fast as the workers take cases.
        var source = Partitioner.Create(cases, EnumerablePartitionerOptions.NoBuffering);
        Parallel.ForEach(source, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism }, testCase =>
        {
            var result = RunWithTimeout(runner, testCase, options.CaseTimeout);
            results.Add(result);
            progress?.Invoke(result);
        });
        return OpFamilies.Assign(results.OrderBy(r => r.Name, StringComparer.Ordinal).ToList());
    }

    private static CaseResult RunWithTimeout(CaseRunner runner, NodeTestCase testCase, TimeSpan timeout)
    {
        var task = Task.Run(() => runner.Run(testCase));
        if (task.Wait(timeout)) return task.Result;
        // A managed computation cannot be aborted; it is left to finish in the background.
        var ops = ModelOps(testCase);
        return new CaseResult(testCase.Name, ops, CaseOutcome.Error, $"timed out after {timeout.TotalSeconds:0} s");
    }

    private static IReadOnlyList<string> ModelOps(NodeTestCase testCase)
    {
        try
        {
            return ModelFacts.Of(Compiler.Onnx.Proto.ModelProto.Parser.ParseFrom(testCase.Model)).Ops;
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return [];
        }
    }
}
