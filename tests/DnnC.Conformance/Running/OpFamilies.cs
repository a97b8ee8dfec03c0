namespace DnnC.Conformance.Running;

/// <summary>
/// Groups cases by the op they test. A one-node model tests its node's op. A larger model (an
/// <c>_expanded</c> function body, a multi-node example) is named after the op whose name its case
/// name starts with — the longest such op seen in the suite, so <c>test_maxpool_*</c> is MaxPool,
/// not Max.
/// </summary>
public static class OpFamilies
{
    /// <summary>Case-name prefixes that abbreviate their op.</summary>
    private static readonly Dictionary<string, string> Abbreviations = new(StringComparer.Ordinal)
    {
        ["sce"] = "SoftmaxCrossEntropyLoss",
        ["nllloss"] = "NegativeLogLikelihoodLoss",
        ["mvn"] = "MeanVarianceNormalization",
    };

    public static IReadOnlyList<CaseResult> Assign(IReadOnlyList<CaseResult> results)
    {
        var known = results.SelectMany(r => r.Ops).Distinct().ToList();
        return results.Select(r => r with { Family = FamilyOf(r, known) }).ToList();
    }

    public static string FamilyOf(CaseResult result, IReadOnlyList<string> knownOps)
    {
        if (result.Ops.Count == 1) return result.Ops[0];
        string key = Normalize(result.Name.StartsWith("test_", StringComparison.Ordinal) ? result.Name[5..] : result.Name);
        foreach (var (prefix, op) in Abbreviations)
            if (key.StartsWith(prefix, StringComparison.Ordinal)) return op;
        var best = knownOps
            .Where(op => key.StartsWith(Normalize(Unqualified(op)), StringComparison.Ordinal))
            .OrderByDescending(op => Unqualified(op).Length)
            .ThenBy(op => op, StringComparer.Ordinal)
            .FirstOrDefault();
        return best ?? result.Name.Split('_').Skip(1).FirstOrDefault() ?? result.Name;
    }

    private static string Unqualified(string op) => op[(op.LastIndexOf(':') + 1)..];

    private static string Normalize(string text) => text.Replace("_", "").ToLowerInvariant();
}
