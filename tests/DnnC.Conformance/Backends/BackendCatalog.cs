namespace DnnC.Conformance.Backends;

/// <summary>
/// The backends the runner knows. A simulator backend joins here once DnnC.Simulator can
/// execute a lowered plan.
/// </summary>
public static class BackendCatalog
{
    public static IReadOnlyList<IConformanceBackend> All { get; } = [new ReferenceBackend()];

    public static IReadOnlyList<string> Names => All.Select(b => b.Name).ToList();

    public static IConformanceBackend? Find(string name) =>
        All.FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase));
}
