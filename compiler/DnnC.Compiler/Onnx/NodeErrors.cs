namespace DnnC.Compiler.Onnx;

/// <summary>Why one node could not be imported; caught per node and reported as a diagnostic.</summary>
internal enum NodeErrorKind { Invalid, Unsupported, Dynamic, AlreadyReported }

internal sealed class NodeImportException(NodeErrorKind kind, string detail) : Exception(detail)
{
    public NodeErrorKind Kind { get; } = kind;

    /// <summary>For <see cref="NodeErrorKind.Dynamic"/>: the graph inputs the needed value is computed from.</summary>
    public IReadOnlySet<string> NeededInputs { get; init; } = new HashSet<string>();
}
