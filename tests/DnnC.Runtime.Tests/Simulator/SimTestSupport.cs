using DnnC.Compiler.Build;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Lowering;
using DnnC.Compiler.Syntax;
using DnnC.Runtime.Targets;
using DnnC.Compiler.Text;
using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Runtime.Tests.Simulator;

/// <summary>Graphs from DSL text, the optimize-and-lower pipeline, seeded tensors and tolerant comparison.</summary>
internal static class SimTestSupport
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static Graph Dsl(string text)
    {
        var diagnostics = new DiagnosticBag();
        var graph = DslFrontend.Load(new SourceText("test.dnn", text), diagnostics);
        Assert.True(graph is not null, string.Join("\n", diagnostics.Items.Select(DiagnosticRenderer.Render)));
        return graph!;
    }

    public static (Graph Optimized, KernelPlan Plan) Lower(Graph graph)
    {
        var (optimized, _) = BuildPipeline.Optimize(graph);
        var plan = PlanLowering.Lower(optimized, GpuTarget.H100, new DiagnosticBag());
        return (optimized, plan);
    }

    public static HostTensor Random(int[] shape, Random rng, double zeroShare = 0)
    {
        var data = new float[HostTensor.ElementCount(shape)];
        for (int i = 0; i < data.Length; i++)
            data[i] = rng.NextDouble() < zeroShare ? 0 : (float)(rng.NextDouble() * 2 - 1);
        return new HostTensor(shape, data);
    }

    public static Dictionary<string, HostTensor> RandomInputs(Graph graph, int seed) =>
        graph.Inputs.ToDictionary(i => i.Name, i => Random(i.Type.Dims, new Random(seed * 7919 + i.Name.Length)));

    /// <summary>|a − e| ≤ atol + rtol·|e| everywhere, with the worst element named on failure.</summary>
    public static void AssertClose(HostTensor expected, HostTensor actual, double rtol, double atol, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected.Data[i], a = actual.Data[i];
            double excess = Math.Abs(a - e) - (atol + rtol * Math.Abs(e));
            if (double.IsNaN(a) != double.IsNaN(e)) excess = double.PositiveInfinity;
            if (excess > worst || (at < 0 && excess > 0)) (worst, at) = (excess, i);
        }
        Assert.True(at < 0, at < 0 ? "" : $"{what}: element {at} is {actual.Data[at]:R}, expected {expected.Data[at]:R}");
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DnnC.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("DnnC.sln not found above the test directory");
    }

    public static IEnumerable<string> ExampleFiles() =>
        Directory.GetDirectories(Path.Combine(RepoRoot, "examples"))
            .Select(d => Path.Combine(d, Path.GetFileName(d) + ".dnn"))
            .Where(File.Exists)
            .OrderBy(f => f, StringComparer.Ordinal);
}
