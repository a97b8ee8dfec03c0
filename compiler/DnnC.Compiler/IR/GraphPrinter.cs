using System.Text;

namespace DnnC.Compiler.IR;

/// <summary>
/// A stable text form of the IR, one node a line. Before/expected pass tests and
/// <c>--print-ir-after-all</c> both use it, so it must not depend on hash order.
/// </summary>
public static class GraphPrinter
{
    public static string Print(Graph graph)
    {
        var sb = new StringBuilder();
        sb.Append("graph ").Append(graph.Name).Append('(')
          .Append(string.Join(", ", graph.Inputs.Select(i => $"%{i.Name}: {i.Type}")))
          .Append(") -> (")
          .Append(string.Join(", ", graph.Outputs.Select(o => o.Name == o.Value ? $"%{o.Value}" : $"{o.Name} = %{o.Value}")))
          .Append(") {\n");
        foreach (var node in graph.Nodes)
        {
            sb.Append("  %").Append(node.Name).Append(" = ").Append(node.Op.Mnemonic);
            var attrs = node.Op.Attributes().ToList();
            if (attrs.Count > 0) sb.Append(" {").Append(string.Join(", ", attrs.Select(a => $"{a.Key}={a.Value}"))).Append('}');
            sb.Append('(').Append(string.Join(", ", node.Inputs.Select(i => "%" + i))).Append(") : ").Append(node.Type);
            if (node.Options != LayerOptions.Inherit) sb.Append(" ").Append(FormatOptions(node.Options));
            if (!node.Numerics.IsFp32Dense) sb.Append(" numerics(").Append(node.Numerics).Append(')');
            if (node.Layers.Count > 1 || (node.Layers.Count == 1 && node.Layers[0] != node.Name))
                sb.Append("  # layers: ").Append(string.Join(", ", node.Layers));
            sb.Append('\n');
        }
        sb.Append("}\n");
        return sb.ToString();
    }

    private static string FormatOptions(LayerOptions o)
    {
        var parts = new List<string>();
        if (o.Precision is { } p) parts.Add("@" + p.ToString().ToLowerInvariant());
        if (o.Sparsity is SparsityMode.TwoFour) parts.Add("@sparse(2:4)");
        if (o.WeightBits is { } b) parts.Add($"@bits({b})");
        return string.Join(" ", parts);
    }
}
