namespace DnnC.Conformance.Backends;

/// <summary>
/// The backends the runner knows: the reference executor (the oracle) and the simulator, which runs
/// the lowered KernelPlan.
/// </summary>
public static class BackendCatalog
{
    public static IReadOnlyList<IConformanceBackend> All { get; } = [new ReferenceBackend(), new SimulatorBackend()];

    public static IReadOnlyList<string> Names => All.Select(b => b.Name).ToList();

    public static IConformanceBackend? Find(string name) =>
        All.FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase));
}
