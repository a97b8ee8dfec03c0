namespace DnnC.Runtime.Package;

/// <summary>A file that is not a readable, intact plan package; the message says what is wrong and where.</summary>
public sealed class PackageException(string path, string message) : Exception(message)
{
    public string Path { get; } = path;
}
