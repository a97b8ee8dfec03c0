using DnnC.Runtime;
namespace DnnC.Compiler.Tensors;
public sealed class TensorFileException(string path, string message) : Exception(message) { public string Path { get; } = path; }
public static class TensorFiles
{
    public static (string? Name, HostTensor Tensor) Read(string path) => throw new NotImplementedException();
    public static void WriteTensorProto(string path, string name, HostTensor tensor) => throw new NotImplementedException();
}
