using DnnC.Conformance.Backends;
using DnnC.Conformance.Reporting;
using DnnC.Conformance.Running;

namespace DnnC.Conformance;

/// <summary>
/// dotnet run --project tests/DnnC.Conformance -c Release -- [--suite PATH] [--backend NAME]...
///   [--filter SUBSTRING] [--timeout SECONDS] [--verbose] [--write-docs]
/// Exit code 0: no committed passing case regressed; 1: some did; 2: bad arguments or no suite.
/// <c>bench-sim-vs-ort [--runs N] [--warmup N] [--loads N] [--seed S] [--keep DIR]</c> instead times the simulator against ONNX Runtime
/// (<see cref="Bench.SimVsOrtBenchmark"/>; scripts/bench-sim-vs-ort.sh).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "bench-sim-vs-ort") return Bench.SimVsOrtBenchmark.Command(args[1..]);
        var parsed = CommandLine.Parse(args);
        if (parsed.Error is not null)
        {
            Console.Error.WriteLine($"error: {parsed.Error}");
            Console.Error.WriteLine(CommandLine.Usage);
            return 2;
        }
        var options = parsed.Options!;
        if (!File.Exists(options.SuitePath))
        {
            Console.Error.WriteLine($"error: the ONNX node suite is not at '{options.SuitePath}'");
            Console.Error.WriteLine("help: it is ../shared/onnx/node-tests.tar.gz beside the repository, or pass --suite PATH");
            return 2;
        }

        var runs = new List<(string Backend, IReadOnlyList<CaseResult> Results)>();
        bool regressed = false;
        foreach (var backend in options.Backends)
        {
            var run = new ConformanceOptions(options.SuitePath, backend)
            {
                Filter = options.Filter,
                CaseTimeout = options.CaseTimeout,
            };
            var started = DateTime.UtcNow;
            var results = ConformanceRunner.Run(run);
            var elapsed = DateTime.UtcNow - started;
            runs.Add((backend, results));
            regressed |= Summarize(backend, results, elapsed, options.Verbose);
        }

        if (options.WriteDocs)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(RepoPaths.ConformanceDoc)!);
            File.WriteAllText(RepoPaths.ConformanceDoc, ConformanceReport.Render(runs));
            foreach (var (backend, results) in runs) PassingList.Write(PassingList.PathFor(RepoPaths.Root, backend), results);
            Console.WriteLine($"wrote {Path.GetRelativePath(RepoPaths.Root, RepoPaths.ConformanceDoc)} and the passing lists");
            return 0;
        }
        return regressed ? 1 : 0;
    }

    /// <summary>Prints the counts and the comparison with the committed list; true when a case regressed.</summary>
    private static bool Summarize(string backend, IReadOnlyList<CaseResult> results, TimeSpan elapsed, bool verbose)
    {
        var inScope = results.Where(r => r.InScope).ToList();
        Console.WriteLine($"{backend}: {results.Count} cases in {elapsed.TotalSeconds:0.0} s");
        foreach (var outcome in Enum.GetValues<CaseOutcome>())
            Console.WriteLine($"  {outcome.ToString().ToLowerInvariant(),-12}{results.Count(r => r.Outcome == outcome),6}");
        Console.WriteLine($"  pass rate, all cases:      {ConformanceReport.Rate(results)}");
        Console.WriteLine($"  pass rate, in-scope cases: {ConformanceReport.Rate(inScope)}");
        Console.WriteLine($"  pass rate, in scope with float32 data: {ConformanceReport.Rate(results.Where(r => r.InScopeFloat).ToList())}");
        if (verbose)
            foreach (var r in results.Where(r => r.Outcome != CaseOutcome.Passed))
                Console.WriteLine($"  {r.Name}: {r.Outcome.ToString().ToLowerInvariant()}: {r.Detail}");

        var committed = PassingList.Read(PassingList.PathFor(RepoPaths.Root, backend));
        var (regressions, newlyPassing) = PassingList.Compare(committed, results);
        foreach (var r in regressions)
            Console.WriteLine($"  REGRESSION {r.Name}: {r.Outcome.ToString().ToLowerInvariant()}: {r.Detail}");
        if (newlyPassing.Count > 0)
            Console.WriteLine($"  {newlyPassing.Count} cases pass that are not in passing-{backend}.txt; update it with --write-docs");
        return regressions.Count > 0;
    }
}
