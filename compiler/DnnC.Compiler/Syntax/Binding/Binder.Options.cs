using System.Text.RegularExpressions;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Runtime;
using DnnC.Runtime.Targets;

namespace DnnC.Compiler.Syntax.Binding;

internal sealed partial class Binder
{
    private static readonly string[] CompileKeys = ["target", "precision", "sparsity", "weight_bits", "tail"];
    private static readonly string[] AnnotationNames = ["fp16", "fp32", "sparse", "bits"];

    private LayerOptions BindAnnotations(EquatableArray<AnnotationSyntax> annotations)
    {
        var options = LayerOptions.Inherit;
        var seen = new Dictionary<string, string>();  // option kind -> annotation that set it
        foreach (var a in annotations)
        {
            string name = a.Name.Text;
            string? kind = name switch { "fp16" or "fp32" => "precision", "sparse" => "sparsity", "bits" => "bits", _ => null };
            if (kind is null)
            {
                Report(Diag.UnknownAnnotation(At(a.Name.Span), name, Diag.Suggest(name, AnnotationNames)));
                continue;
            }
            string written = a.Argument is null ? $"@{name}" : $"@{name}({DslFormatter.FormatExpr(a.Argument)})";
            if (seen.TryGetValue(kind, out var earlier))
            {
                Report(Diag.ConflictingAnnotations(At(a.Span), name, earlier));
                continue;
            }
            seen[kind] = written;
            options = name switch
            {
                "fp16" or "fp32" when a.Argument is not null =>
                    BadAnnotation(a, options, "it takes no argument", $"@{name}"),
                "fp16" => options with { Precision = Precision.Fp16 },
                "fp32" => options with { Precision = Precision.Fp32 },
                "sparse" when a.Argument is RatioSyntax { Numerator: 2, Denominator: 4 } => options with { Sparsity = SparsityMode.TwoFour },
                "sparse" => BadAnnotation(a, options, a.Argument is null ? "the pattern is missing" : "only the 2:4 pattern is supported", "@sparse(2:4)"),
                _ when a.Argument is NumberSyntax { IntValue: 2 or 16 or 32 } bits => options with { WeightBits = bits.IntValue },
                _ => BadAnnotation(a, options, a.Argument is null ? "the bit width is missing" : "weights are 2, 16 or 32 bits",
                    "@bits(2), @bits(16) or @bits(32)"),
            };
        }
        return options;
    }

    private LayerOptions BadAnnotation(AnnotationSyntax a, LayerOptions unchanged, string detail, string expected)
    {
        Report(Diag.InvalidAnnotationArgument(At(a.Argument?.Span ?? a.Span), a.Name.Text, detail, expected));
        return unchanged;
    }

    private CompileOptions BindCompileSection()
    {
        var sections = _model.Items.OfType<CompileSectionSyntax>().ToList();
        foreach (var extra in sections.Skip(1))
            Report(Diag.DuplicateSection(At(extra.Span), "compile section", LineOf(sections[0].Span)));
        var options = CompileOptions.Default;
        if (sections.Count == 0) return options;

        var seen = new HashSet<string>();
        foreach (var entry in sections[0].Entries)
        {
            string key = entry.Key.Text;
            if (!CompileKeys.Contains(key))
            {
                Report(Diag.UnknownCompileKey(At(entry.Key.Span), key, Diag.Suggest(key, CompileKeys)));
                continue;
            }
            if (!seen.Add(key))
            {
                Report(Diag.DuplicateCompileKey(At(entry.Key.Span), key));
                continue;
            }
            options = key switch
            {
                "target" => BindTargets(entry, options),
                "precision" => Choose(entry, options, ["fp32", "fp16", "tf32"], v => options with { Precision = Enum.Parse<Precision>(v, ignoreCase: true) }),
                "sparsity" => Choose(entry, options, ["none", "2:4"], v => options with { Sparsity = v == "2:4" ? SparsityMode.TwoFour : SparsityMode.None }),
                "weight_bits" => Choose(entry, options, ["32", "16", "2"], v => options with { WeightBits = int.Parse(v) }),
                _ => Choose(entry, options, ["none", "tile", "prune", "grow"], v => options with { Tail = Enum.Parse<TailMode>(v, ignoreCase: true) }),
            };
        }
        return options;
    }

    private CompileOptions Choose(CompileEntrySyntax entry, CompileOptions unchanged, string[] allowed, Func<string, CompileOptions> apply)
    {
        string value = DslFormatter.FormatExpr(entry.Value);
        if (allowed.Contains(value)) return apply(value);
        Report(Diag.InvalidCompileValue(At(entry.Value.Span), entry.Key.Text, value, string.Join(", ", allowed), Diag.Suggest(value, allowed)));
        return unchanged;
    }

    /// <summary>
    /// <c>target: h100</c> or <c>target: [h100, sm_80]</c>: the GPU names and architectures of
    /// <see cref="GpuTarget"/>, the same words the CLI's --target takes.
    /// </summary>
    private CompileOptions BindTargets(CompileEntrySyntax entry, CompileOptions unchanged)
    {
        var items = entry.Value is ListSyntax list ? list.Items.ToList() : [entry.Value];
        var targets = new List<string>();
        bool ok = items.Count > 0;
        foreach (var item in items)
        {
            string text = DslFormatter.FormatExpr(item);
            if (item is NameSyntax && GpuTarget.ArchOf(text) is { } arch) targets.Add(arch);
            else
            {
                var words = GpuTarget.Known.Select(t => t.Name).Concat(GpuTarget.SupportedArchs).ToList();
                Report(Diag.InvalidCompileValue(At(item.Span), "target", text, string.Join(", ", words), Diag.Suggest(text, words)));
                ok = false;
            }
        }
        return ok ? unchanged with { Targets = targets.Distinct().ToEquatableArray() } : unchanged;
    }
}
