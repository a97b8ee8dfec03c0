namespace DnnC.Compiler.Onnx;

/// <summary>Why one node could not be imported; caught per node and reported as a diagnostic.</summary>
internal enum NodeErrorKind { Invalid, Unsupported, Dynamic, AlreadyReported }

internal sealed class NodeImportException(NodeErrorKind kind, string detail) : Exception(detail)
{
    public NodeErrorKind Kind { get; } = kind;
}
