using DnnC.Conformance.Backends;
using DnnC.Conformance.Reporting;

namespace DnnC.Conformance;

public sealed record RunnerArguments(
    string SuitePath, IReadOnlyList<IConformanceBackend> Backends, string? Filter, TimeSpan CaseTimeout,
    bool BakeParameterInputs, bool Verbose, bool WriteDocs);

/// <summary>The runner's few flags; parsed by hand to keep this tool free of packages.</summary>
public static class CommandLine
{
    public static string Usage =>
        "usage: dotnet run --project tests/DnnC.Conformance -c Release -- [--suite PATH] " +
        $"[--backend {string.Join("|", BackendCatalog.Names)}]... [--filter SUBSTRING] [--timeout SECONDS] " +
        "[--no-bake] [--verbose] [--write-docs]";

    public static (RunnerArguments? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        string? suite = null, filter = null;
        var backends = new List<IConformanceBackend>();
        double timeout = 20;
        bool bake = true, verbose = false, writeDocs = false;
        for (int i = 0; i < args.Count; i++)
        {
            string flag = args[i];
            string? Value() => i + 1 < args.Count ? args[++i] : null;
            switch (flag)
            {
                case "--suite":
                    suite = Value() ?? "";
                    if (suite.Length == 0) return (null, "--suite needs a path");
                    break;
                case "--backend":
                    string name = Value() ?? "";
                    var backend = BackendCatalog.Find(name);
                    if (backend is null) return (null, $"unknown backend '{name}'; known: {string.Join(", ", BackendCatalog.Names)}");
                    backends.Add(backend);
                    break;
                case "--filter":
                    filter = Value();
                    if (string.IsNullOrEmpty(filter)) return (null, "--filter needs a substring");
                    break;
                case "--timeout":
                    if (!double.TryParse(Value(), System.Globalization.CultureInfo.InvariantCulture, out timeout) || timeout <= 0)
                        return (null, "--timeout needs a positive number of seconds");
                    break;
                case "--no-bake": bake = false; break;
                case "--verbose": verbose = true; break;
                case "--write-docs": writeDocs = true; break;
                case "-h" or "--help": return (null, "help requested");
                default: return (null, $"unknown argument '{flag}'");
            }
        }
        if (writeDocs && (filter is not null || !bake))
            return (null, "--write-docs records the whole suite in its default mode; drop --filter and --no-bake");
        if (backends.Count == 0) backends.AddRange(BackendCatalog.All);
        var arguments = new RunnerArguments(suite ?? RepoPaths.NodeSuite, backends.DistinctBy(b => b.Name).ToList(), filter,
            TimeSpan.FromSeconds(timeout), bake, verbose, writeDocs);
        return (arguments, null);
    }
}
