using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Lowering;
using DnnC.Runtime.Targets;
using DnnC.Runtime.Plan;
using DnnC.Simulator.Accelerator;

namespace DnnC.Cli;

/// <summary>What <c>run --backend sim</c> and <c>simulate</c> share: the same plan the CUDA build would make, and accelerator lookup.</summary>
public static class SimulatorBackend
{
    /// <summary>Optimizes and lowers exactly as <c>dnnc build</c> does, for the model's first target.</summary>
    public static LoweredModel Lower(Graph source, DiagnosticBag diagnostics) =>
        BuildPipeline.Lower(source, diagnostics);

    /// <summary>A preset name or a JSON file; every problem in the file becomes a diagnostic naming its field.</summary>
    public static AcceleratorConfig ResolveAccelerator(string presetOrPath)
    {
        if (AcceleratorPresets.Find(presetOrPath) is { } preset) return preset;
        string presets = string.Join(", ", AcceleratorPresets.All.Select(p => p.Name));
        if (!File.Exists(presetOrPath))
            throw new CompilationFailedException([Diag.UnknownAccelerator(presetOrPath, presets)]);
        string text;
        try
        {
            text = File.ReadAllText(presetOrPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CompilationFailedException([Diag.AcceleratorUnreadable(presetOrPath, e.Message)]);
        }
        var errors = new List<AcceleratorError>();
        var config = AcceleratorFile.Parse(text, errors);
        if (config is null || errors.Count > 0)
            throw new CompilationFailedException(errors.Select(e => Diag.BadAcceleratorField(presetOrPath, e.Field, e.Message)).ToList());
        return config;
    }
}
