using DnnC.Compiler.IR;
using DnnC.Runtime;
namespace DnnC.Compiler.Reference;
public static class ReferenceExecutor { public static IReadOnlyDictionary<string, HostTensor> Run(Graph graph, IReadOnlyDictionary<string, HostTensor> inputs) => throw new NotImplementedException(); }
