using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;

namespace DnnC.Compiler.Onnx;

/// <summary>TEMPORARY stand-in for the ONNX importer (another branch); deleted when it merges.</summary>
public static class OnnxImporter
{
    public static Graph? Load(string path, IReadOnlyDictionary<string, int[]> inputShapes, DiagnosticBag diagnostics) => null;

    public static Graph? Load(byte[] model, string displayPath, IReadOnlyDictionary<string, int[]> inputShapes, DiagnosticBag diagnostics) =>
        null;
}
