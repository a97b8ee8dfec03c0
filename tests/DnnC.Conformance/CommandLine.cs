using DnnC.Conformance.Backends;
using DnnC.Conformance.Reporting;

namespace DnnC.Conformance;

public sealed record RunnerArguments(
    string SuitePath, IReadOnlyList<string> Backends, string? Filter, TimeSpan CaseTimeout, bool Verbose, bool WriteDocs);

/// <summary>The runner's few flags; parsed by hand to keep this tool free of packages.</summary>
public static class CommandLine
{
    public static string Usage =>
        "usage: dotnet run --project tests/DnnC.Conformance -c Release -- [--suite PATH] " +
        $"[--backend {string.Join("|", BackendCatalog.Names)}]... [--filter SUBSTRING] [--timeout SECONDS] " +
        "[--verbose] [--write-docs]";

    public static (RunnerArguments? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        string? suite = null, filter = null;
        var backends = new List<string>();
        double timeout = 20;
        bool verbose = false, writeDocs = false;
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
                    backends.Add(backend.Name);
                    break;
                case "--filter":
                    filter = Value();
                    if (string.IsNullOrEmpty(filter)) return (null, "--filter needs a substring");
                    break;
                case "--timeout":
                    if (!double.TryParse(Value(), System.Globalization.CultureInfo.InvariantCulture, out timeout) || timeout <= 0)
                        return (null, "--timeout needs a positive number of seconds");
                    break;
                case "--verbose": verbose = true; break;
                case "--write-docs": writeDocs = true; break;
                case "-h" or "--help": return (null, "help requested");
                default: return (null, $"unknown argument '{flag}'");
            }
        }
        if (writeDocs && filter is not null)
            return (null, "--write-docs records the whole suite; drop --filter");
        if (backends.Count == 0) backends.AddRange(BackendCatalog.Names);
        var arguments = new RunnerArguments(suite ?? RepoPaths.NodeSuite, backends.Distinct().ToList(), filter,
            TimeSpan.FromSeconds(timeout), verbose, writeDocs);
        return (arguments, null);
    }
}
