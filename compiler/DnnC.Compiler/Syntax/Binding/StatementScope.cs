using DnnC.Compiler.IR;

namespace DnnC.Compiler.Syntax.Binding;

/// <summary>
/// The statement being bound: its name, its annotations, and the layer names handed out so far.
/// Layers are named <c>&lt;statement&gt;.&lt;op&gt;</c>, then <c>&lt;op&gt;_1</c>, <c>_2</c>... for repeats.
/// </summary>
internal sealed class StatementScope(string name, int index, LayerOptions options)
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public string Name => name;
    public int Index => index;
    public LayerOptions Options => options;

    public string NextLayer(string op)
    {
        int n = _counts.GetValueOrDefault(op);
        _counts[op] = n + 1;
        return n == 0 ? $"{name}.{op}" : $"{name}.{op}_{n}";
    }
}
