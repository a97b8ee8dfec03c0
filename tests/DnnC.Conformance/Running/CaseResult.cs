namespace DnnC.Conformance.Running;

public enum CaseOutcome { Passed, Failed, Unsupported, Error }

/// <summary>
/// The verdict on one case. <see cref="Detail"/> is the reason it did not pass: the importer's
/// first diagnostic line, the worst mismatch, or the exception. <see cref="Family"/> is assigned
/// once the whole suite is known (see <see cref="OpFamilies"/>). <see cref="DataTypes"/> are the
/// element types of the tensors the case feeds and checks at run time (baked parameters excluded).
/// </summary>
public sealed record CaseResult(
    string Name, IReadOnlyList<string> Ops, CaseOutcome Outcome, string Detail, string Family = "",
    IReadOnlyList<string>? DataTypes = null)
{
    public bool InScope => OpScope.Covers(Ops);

    /// <summary>In scope, and every runtime tensor is FLOAT (BOOL allowed for outputs of comparisons).</summary>
    public bool InScopeFloat => InScope && DataTypes is { } types && types.All(t => t is "FLOAT" or "BOOL");
}
