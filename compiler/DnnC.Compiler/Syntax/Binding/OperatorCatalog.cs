namespace DnnC.Compiler.Syntax.Binding;

/// <summary>Every operator the DSL knows, by name. grammar/README.md lists the same table.</summary>
internal static class OperatorCatalog
{
    public static readonly IReadOnlyDictionary<string, OperatorSpec> All =
        LayerOperators.Specs
            .Concat(ElementwiseOperators.Specs)
            .Concat(ShapeOperators.Specs)
            .ToDictionary(s => s.Name, StringComparer.Ordinal);

    public static OperatorSpec? Find(string name) => All.GetValueOrDefault(name);
}
