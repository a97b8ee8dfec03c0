using DnnC.Compiler.Text;

namespace DnnC.Compiler.Diagnostics;

/// <summary>DNN7xxx: the simulator and its accelerator descriptions.</summary>
public static partial class Diag
{
    public static Diagnostic BadAcceleratorField(string path, string field, string problem) =>
        Error("DNN7001", SourceLocation.InFile(path), $"accelerator field '{field}' {problem}",
            "see runtime/DnnC.Simulator/README.md for every field; \"base\": \"dlac\" fills the ones you leave out");

    public static Diagnostic UnknownAccelerator(string word, string presets) =>
        Error("DNN7002", SourceLocation.None, $"accelerator '{word}' is neither a preset nor an existing file",
            $"presets: {presets}; or pass the path of a JSON description");

    public static Diagnostic AcceleratorUnreadable(string path, string reason) =>
        Error("DNN7003", SourceLocation.InFile(path), $"cannot read accelerator description: {reason}");
}
