using DnnC.Compiler.Text;

namespace DnnC.Compiler.Diagnostics;

/// <summary>
/// The diagnostic catalog: one typed factory per code, split into partial files by stage.
/// Code ranges: DNN1xxx syntax and binding (Diag.Syntax.cs), DNN2xxx shapes and IR
/// (Diag.Ir.cs), DNN3xxx weights and tensor files (Diag.Io.cs), DNN4xxx passes and lowering,
/// DNN5xxx code generation, DNN6xxx ONNX import, DNN7xxx simulator (Diag.Simulator.cs), DNN8xxx CUDA runtime
/// (Diag.Cuda.cs), DNN9xxx command line.
/// </summary>
public static partial class Diag
{
    private static Diagnostic Error(string code, SourceLocation location, string message, string? help = null) =>
        new(code, Severity.Error, message, location, help);

    private static Diagnostic Warning(string code, SourceLocation location, string message, string? help = null) =>
        new(code, Severity.Warning, message, location, help);

    /// <summary>Edit distance (a swap of two neighbours counts as one edit), for "did you mean" suggestions.</summary>
    public static string? Suggest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            int d = Levenshtein(name.ToLowerInvariant(), c.ToLowerInvariant());
            if (d < bestDistance) (best, bestDistance) = (c, d);
        }
        return best is not null && bestDistance <= Math.Max(1, name.Length / 3) ? best : null;
    }

    /// <summary>Optimal string alignment distance: Levenshtein plus adjacent transpositions ("inptu" is one edit from "input").</summary>
    private static int Levenshtein(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
