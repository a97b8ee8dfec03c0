namespace DnnC.Conformance.Backends;

/// <summary>
/// Thrown by a backend that cannot run a graph the importer accepted (an op its lowering has no
/// kernel template for). The runner records the case as unsupported with <see cref="Exception.Message"/>
/// as the reason, not as an error: the backend refused it with a diagnostic, it did not break.
/// </summary>
public sealed class UnsupportedByBackendException(string reason) : Exception(reason);
