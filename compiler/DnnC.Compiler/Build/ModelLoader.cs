using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Onnx;
using DnnC.Compiler.Syntax;
using DnnC.Compiler.Text;

namespace DnnC.Compiler.Build;

/// <summary>Reads a model file of any supported format into the graph IR.</summary>
public static class ModelLoader
{
    /// <summary>
    /// Loads a .dnn or .onnx model. <paramref name="inputShapes"/> (the <c>--input</c> flags) fix an
    /// ONNX model's dynamic dimensions during import; DSL inputs are static and checked by the caller.
    /// </summary>
    public static Graph? Load(string path, DiagnosticBag diagnostics, IReadOnlyDictionary<string, int[]>? inputShapes = null)
    {
        if (!File.Exists(path))
        {
            diagnostics.Add(Diag.ModelNotFound(path));
            return null;
        }
        string extension = Path.GetExtension(path).ToLowerInvariant();
        switch (extension)
        {
            case ".dnn":
                string text;
                try { text = File.ReadAllText(path); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    diagnostics.Add(Diag.ModelUnreadable(path, e.Message));
                    return null;
                }
                return DslFrontend.Load(new SourceText(path, text), diagnostics);
            case ".onnx":
                return OnnxImporter.Load(path, inputShapes ?? new Dictionary<string, int[]>(), diagnostics);
            default:
                diagnostics.Add(Diag.UnknownModelFormat(path, extension));
                return null;
        }
    }
}
