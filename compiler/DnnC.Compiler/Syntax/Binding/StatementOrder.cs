using DnnC.Runtime;

namespace DnnC.Compiler.Syntax.Binding;

/// <summary>
/// Which statement defines which name, and which names each statement reads. Used to explain a
/// name read before its definition: either it is merely out of order, or it closes a cycle.
/// </summary>
internal sealed class StatementOrder
{
    private readonly Dictionary<string, int> _definedAt = new(StringComparer.Ordinal);
    private readonly Dictionary<int, HashSet<string>> _reads = new();
    private readonly Dictionary<int, string> _names = new();

    public StatementOrder(EquatableArray<ItemSyntax> items)
    {
        for (int i = 0; i < items.Count; i++)
        {
            string? target = items[i] switch
            {
                StatementSyntax s => s.Target.Text,
                ErrorItemSyntax e => e.Target,
                _ => null,
            };
            if (target is null) continue;
            _definedAt.TryAdd(target, i);
            _names[i] = target;
            _reads[i] = items[i] is StatementSyntax st ? ReadNames(st.Value).Select(Root).ToHashSet() : [];
        }
    }

    /// <summary>The statement that defines <paramref name="root"/>, if any.</summary>
    public int? DefinedAt(string root) => _definedAt.TryGetValue(root, out int i) ? i : null;

    /// <summary>A path of names from <paramref name="from"/> back to <paramref name="to"/> through reads, or null.</summary>
    public IReadOnlyList<string>? PathBetween(int from, int to)
    {
        var parent = new Dictionary<int, int> { [from] = -1 };
        var queue = new Queue<int>([from]);
        while (queue.Count > 0)
        {
            int current = queue.Dequeue();
            if (current == to)
            {
                var path = new List<string>();
                for (int at = current; at != -1; at = parent[at]) path.Add(_names[at]);
                path.Reverse();
                return path;
            }
            foreach (var read in _reads.GetValueOrDefault(current) ?? [])
                if (DefinedAt(read) is { } next && parent.TryAdd(next, current)) queue.Enqueue(next);
        }
        return null;
    }

    public static string Root(string name) => name.Split('.')[0];

    private static IEnumerable<string> ReadNames(ExprSyntax expr) => expr switch
    {
        NameSyntax n => [n.Name],
        BinarySyntax b => ReadNames(b.Left).Concat(ReadNames(b.Right)),
        CallSyntax c => c.Arguments.SelectMany(a => ReadNames(a.Value)),
        PipelineSyntax p => ReadNames(p.Source).Concat(p.Stages.SelectMany(ReadNames)),
        ListSyntax l => l.Items.SelectMany(ReadNames),
        _ => [],
    };
}
