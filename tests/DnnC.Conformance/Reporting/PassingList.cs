using DnnC.Conformance.Running;

namespace DnnC.Conformance.Reporting;

/// <summary>
/// The committed list of cases a backend passes, one name a line: a case on it that stops
/// passing is a regression. Lives beside this project as passing-&lt;backend&gt;.txt.
/// </summary>
public static class PassingList
{
    public static string PathFor(string repoRoot, string backend) =>
        Path.Combine(repoRoot, "tests", "DnnC.Conformance", $"passing-{backend}.txt");

    public static IReadOnlySet<string> Read(string path) =>
        File.Exists(path)
            ? File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>();

    public static void Write(string path, IEnumerable<CaseResult> results)
    {
        var lines = new List<string>
        {
            "# ONNX node-suite cases this backend passes; regenerate with",
            "#   dotnet run --project tests/DnnC.Conformance -- --write-docs",
        };
        lines.AddRange(results.Where(r => r.Outcome == CaseOutcome.Passed).Select(r => r.Name).Order(StringComparer.Ordinal));
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
    }

    /// <summary>Cases on the list that did not pass this run, and passing cases not yet on it.</summary>
    public static (IReadOnlyList<CaseResult> Regressed, IReadOnlyList<string> NewlyPassing) Compare(
        IReadOnlySet<string> committed, IReadOnlyList<CaseResult> results)
    {
        var regressed = results.Where(r => committed.Contains(r.Name) && r.Outcome != CaseOutcome.Passed).ToList();
        var newlyPassing = results.Where(r => r.Outcome == CaseOutcome.Passed && !committed.Contains(r.Name))
            .Select(r => r.Name).ToList();
        return (regressed, newlyPassing);
    }
}
