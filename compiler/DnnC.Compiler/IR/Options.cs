using DnnC.Runtime;

namespace DnnC.Compiler.IR;

/// <summary>What the user asks for: FP32 everywhere, FP16 storage with FP32 accumulation (FP16 tensor cores for conv,
/// dense and matmul), or FP32 storage with TF32 tensor-core math for conv, dense and matmul. The precision pass decides
/// per layer what it gets (<see cref="Passes.AssignPrecision"/>).</summary>
public enum Precision { Fp32, Fp16, Tf32 }
public enum SparsityMode { None, TwoFour }
public enum TailMode { None, Tile, Prune, Grow }

/// <summary>
/// Per-layer choices from DSL annotations (<c>@fp16</c>, <c>@sparse(2:4)</c>, <c>@bits(2)</c>).
/// Null means "inherit the model's default"; precedence is layer, then CLI flag, then the
/// model's <c>compile</c> section, then the built-in default.
/// </summary>
public sealed record LayerOptions(Precision? Precision = null, SparsityMode? Sparsity = null, int? WeightBits = null)
{
    public static readonly LayerOptions Inherit = new();
}

/// <summary>Model-wide defaults: the DSL's <c>compile { }</c> section and the CLI flags map one-to-one onto these.</summary>
public sealed record CompileOptions(
    EquatableArray<string> Targets,
    Precision Precision = Precision.Fp32,
    SparsityMode Sparsity = SparsityMode.None,
    int WeightBits = 32,
    TailMode Tail = TailMode.None,
    bool Fp16Clamp = false,
    EquatableArray<string> CalibrationFiles = default)
{
    public static readonly CompileOptions Default = new(EquatableArray.Create("sm_80", "sm_90"));

    /// <summary>Resolves a layer's effective options against these defaults.</summary>
    public (Precision Precision, SparsityMode Sparsity, int WeightBits) For(LayerOptions layer) =>
        (layer.Precision ?? Precision, layer.Sparsity ?? Sparsity, layer.WeightBits ?? WeightBits);
}

/// <summary>Command-line overrides; a null field leaves the model's own setting.</summary>
public sealed record CompileOverrides(
    EquatableArray<string>? Targets = null,
    Precision? Precision = null,
    SparsityMode? Sparsity = null,
    int? WeightBits = null,
    TailMode? Tail = null,
    bool? Fp16Clamp = null,
    EquatableArray<string>? CalibrationFiles = null)
{
    public CompileOptions ApplyTo(CompileOptions model) => new(
        Targets ?? model.Targets,
        Precision ?? model.Precision,
        Sparsity ?? model.Sparsity,
        WeightBits ?? model.WeightBits,
        Tail ?? model.Tail,
        Fp16Clamp ?? model.Fp16Clamp,
        CalibrationFiles ?? model.CalibrationFiles);
}
