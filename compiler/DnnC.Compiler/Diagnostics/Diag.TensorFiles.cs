using DnnC.Compiler.Tensors;
using DnnC.Compiler.Text;

namespace DnnC.Compiler.Diagnostics;

public static partial class Diag
{
    /// <summary>An input tensor file (.pb or .npy) is missing, malformed or of an unsupported type.</summary>
    public static Diagnostic TensorFileUnreadable(string path, string detail, string? help = null) =>
        Error("DNN3101", SourceLocation.None, $"cannot read tensor file '{path}': {detail}", help);

    /// <summary>An output tensor file could not be written.</summary>
    public static Diagnostic TensorFileUnwritable(string path, string detail, string? help = null) =>
        Error("DNN3102", SourceLocation.None, $"cannot write tensor file '{path}': {detail}", help);

    /// <summary>The diagnostic for a <see cref="TensorFileException"/>, by the operation that failed.</summary>
    public static Diagnostic TensorFile(TensorFileException e) => e.Operation == TensorFileOperation.Read
        ? TensorFileUnreadable(e.Path, e.Detail, e.Help)
        : TensorFileUnwritable(e.Path, e.Detail, e.Help);
}
