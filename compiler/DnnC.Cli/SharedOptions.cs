using System.CommandLine;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Runtime.Targets;
using DnnC.Runtime;

namespace DnnC.Cli;

/// <summary>The pass options shared by build, run and check; they map one-to-one onto the DSL's compile section.</summary>
public sealed class SharedOptions
{
    public Option<string[]> Target { get; } = new("--target")
    {
        Description = string.Join("|", GpuTarget.Known.Select(t => t.Name).Concat(GpuTarget.SupportedArchs)) + " (repeatable; default sm_80 and sm_90)",
        AllowMultipleArgumentsPerToken = false,
    };
    public Option<string?> Precision { get; } = new Option<string?>("--precision")
    {
        Description = "fp32|fp16|tf32: fp16 stores activations and weights as FP16 and accumulates in FP32 (layers that cannot, or whose " +
                      "calibrated activations would overflow FP16, stay FP32, with the reason in the build report); tf32 keeps FP32 storage " +
                      "and multiplies conv, dense and matmul operands in TF32",
    }.AcceptOnlyFromAmong("fp32", "fp16", "tf32");
    public Option<bool> Fp16Clamp { get; } = new("--fp16-clamp") { Description = "with fp16: clamp weights beyond ±65504 to it (and report how many), instead of refusing them" };
    public Option<string[]> Calibrate { get; } = new("--calibrate")
    {
        Description = "[NAME=]FILE: a calibration input (.pb or .npy), repeatable: the k-th file of each input makes set k (unnamed files " +
                      "need a one-input model); the precision pass measures each layer's largest values on them (default: one seeded set)",
    };
    public Option<string?> Sparsity { get; } = new Option<string?>("--sparsity") { Description = "none|2:4" }.AcceptOnlyFromAmong("none", "2:4");
    public Option<string?> WeightBits { get; } = new Option<string?>("--weight-bits") { Description = "32|16|2" }.AcceptOnlyFromAmong("32", "16", "2");
    public Option<string?> Tail { get; } = new Option<string?>("--tail") { Description = "none|tile|prune|grow" }.AcceptOnlyFromAmong("none", "tile", "prune", "grow");

    public void AddTo(Command command)
    {
        command.Add(Target);
        command.Add(Precision);
        command.Add(Fp16Clamp);
        command.Add(Calibrate);
        command.Add(Sparsity);
        command.Add(WeightBits);
        command.Add(Tail);
    }

    /// <summary>The CLI's overrides; a flag for a pass that does not exist yet is a usage error, not a silent no-op.</summary>
    public CompileOverrides Read(ParseResult parse)
    {
        var diagnostics = new DiagnosticBag();
        EquatableArray<string>? targets = null;
        var words = (parse.GetValue(Target) ?? []).SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToList();
        if (words.Count > 0)
        {
            var archs = new List<string>();
            foreach (var word in words)
            {
                if (GpuTarget.ArchOf(word) is { } arch) archs.Add(arch);
                else diagnostics.Add(Diag.UnknownTarget(word, Diag.Suggest(word, GpuTarget.Known.Select(k => k.Name).Concat(GpuTarget.SupportedArchs))));
            }
            targets = archs.Distinct().ToEquatableArray();
        }
        var precision = parse.GetValue(Precision);
        var sparsity = parse.GetValue(Sparsity);
        var bits = parse.GetValue(WeightBits);
        var tail = parse.GetValue(Tail);
        if (sparsity == "2:4") diagnostics.Add(Diag.UnsupportedOption("--sparsity", "2:4", "the 2:4 sparsity pass is not implemented in this version"));
        if (bits is "16" or "2") diagnostics.Add(Diag.UnsupportedOption("--weight-bits", bits, "weight quantization is not implemented in this version"));
        if (tail is "tile" or "prune" or "grow") diagnostics.Add(Diag.UnsupportedOption("--tail", tail, "wave-quantized sizing is not implemented in this version"));
        if (diagnostics.HasErrors) throw new CompilationFailedException(diagnostics.Items);
        return new CompileOverrides(Targets: targets, Precision: precision is null ? null : Enum.Parse<Precision>(precision, ignoreCase: true),
            Fp16Clamp: parse.GetValue(Fp16Clamp) ? true : null,
            CalibrationFiles: parse.GetValue(Calibrate) is { Length: > 0 } files ? files.ToEquatableArray() : (EquatableArray<string>?)null);
    }
}
