namespace DnnC.Compiler.Tensors;

public enum TensorFileOperation { Read, Write }

/// <summary>
/// A tensor file could not be read or written. <see cref="Detail"/> says what is wrong with it;
/// the CLI turns the exception into diagnostic DNN3101 (read) or DNN3102 (write).
/// </summary>
public sealed class TensorFileException : Exception
{
    public TensorFileException(string path, string message)
        : this(path, message, TensorFileOperation.Read) { }

    public TensorFileException(string path, string message, TensorFileOperation operation, string? help = null, Exception? inner = null)
        : base($"cannot {(operation == TensorFileOperation.Read ? "read" : "write")} tensor file '{path}': {message}", inner)
    {
        Path = path;
        Detail = message;
        Operation = operation;
        Help = help;
    }

    public string Path { get; }
    public string Detail { get; }
    public TensorFileOperation Operation { get; }
    public string? Help { get; }
}
