using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.Onnx.Proto;

namespace DnnC.Compiler.Onnx;

/// <summary>Whole-graph checks before any node is imported: definitions, order, cycles and supported ops.</summary>
internal static class OnnxGraphChecks
{
    /// <summary>
    /// Checks that every value is defined once and every read has a definition, and returns the
    /// nodes in a topological order (ONNX requires one; a cycle is reported). Null on error.
    /// </summary>
    public static List<int>? Check(GraphProto graph, string path, DiagnosticBag diagnostics)
    {
        bool ok = true;
        var defined = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in graph.Initializer.Select(i => i.Name).Concat(graph.Input.Select(i => i.Name)))
            defined.Add(name);

        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < graph.Node.Count; i++)
        {
            foreach (var output in graph.Node[i].Output.Where(o => o.Length > 0))
            {
                if (defined.Contains(output) || !producer.TryAdd(output, i))
                {
                    diagnostics.Add(Diag.OnnxDuplicateValue(path, output));
                    ok = false;
                }
            }
        }

        var dependencies = new List<int>[graph.Node.Count];
        for (int i = 0; i < graph.Node.Count; i++)
        {
            dependencies[i] = new List<int>();
            foreach (var input in graph.Node[i].Input.Where(v => v.Length > 0))
            {
                if (producer.TryGetValue(input, out int from)) dependencies[i].Add(from);
                else if (!defined.Contains(input))
                {
                    diagnostics.Add(Diag.OnnxUndefinedValue(path, NodeName(graph, i), input));
                    ok = false;
                }
            }
        }
        foreach (var output in graph.Output.Where(o => !producer.ContainsKey(o.Name) && !defined.Contains(o.Name)))
        {
            diagnostics.Add(Diag.OnnxUndefinedOutput(path, output.Name));
            ok = false;
        }
        if (!ok) return null;

        var order = TopologicalOrder(dependencies);
        if (order.Count < graph.Node.Count)
        {
            var stuck = Enumerable.Range(0, graph.Node.Count).Except(order).Select(i => $"'{NodeName(graph, i)}'").ToList();
            diagnostics.Add(Diag.OnnxCycle(path, string.Join(", ", stuck.Take(8)) + (stuck.Count > 8 ? $" and {stuck.Count - 8} more" : "")));
            return null;
        }
        return order;
    }

    /// <summary>Kahn's algorithm, stable: among ready nodes the earliest in the file goes first.</summary>
    private static List<int> TopologicalOrder(List<int>[] dependencies)
    {
        int count = dependencies.Length;
        var remaining = new int[count];
        var users = new List<int>[count];
        for (int i = 0; i < count; i++) users[i] = new List<int>();
        for (int i = 0; i < count; i++)
        {
            foreach (int d in dependencies[i])
            {
                remaining[i]++;
                users[d].Add(i);
            }
        }
        var ready = new PriorityQueue<int, int>();
        for (int i = 0; i < count; i++)
            if (remaining[i] == 0) ready.Enqueue(i, i);
        var order = new List<int>(count);
        while (ready.TryDequeue(out int node, out _))
        {
            order.Add(node);
            foreach (int user in users[node])
                if (--remaining[user] == 0) ready.Enqueue(user, user);
        }
        return order;
    }

    /// <summary>One diagnostic naming every unsupported operator with its nodes, as TVM's importer does.</summary>
    public static void ReportUnsupportedOps(GraphProto graph, string path, DiagnosticBag diagnostics)
    {
        var unsupported = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (int i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            bool known = node.Domain is "" or "ai.onnx" && OnnxOps.Converters.ContainsKey(node.OpType);
            if (known) continue;
            string op = node.Domain is "" or "ai.onnx" ? node.OpType : $"{node.Domain}.{node.OpType}";
            (unsupported.TryGetValue(op, out var list) ? list : unsupported[op] = new List<string>()).Add(NodeName(graph, i));
        }
        if (unsupported.Count == 0) return;
        var entries = unsupported.OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => $"{e.Key} (nodes: {string.Join(", ", e.Value.Take(10).Select(v => $"'{v}'"))}{(e.Value.Count > 10 ? $" and {e.Value.Count - 10} more" : "")})")
            .ToList();
        diagnostics.Add(Diag.OnnxUnsupportedOps(path, entries));
    }

    public static string NodeName(GraphProto graph, int index) =>
        graph.Node[index].Name.Length > 0 ? graph.Node[index].Name : $"{graph.Node[index].OpType}_{index}";
}
