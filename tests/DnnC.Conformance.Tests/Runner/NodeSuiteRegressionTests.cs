using DnnC.Conformance.Backends;
using DnnC.Conformance.Reporting;
using DnnC.Conformance.Running;
using Xunit.Abstractions;

namespace DnnC.Conformance.Tests.Runner;

/// <summary>
/// Runs all 1802 ONNX node-suite cases on each backend and fails when a case on the committed
/// passing list (tests/DnnC.Conformance/passing-&lt;backend&gt;.txt) no longer passes.
/// </summary>
public sealed class NodeSuiteRegressionTests(ITestOutputHelper output)
{
    public static TheoryData<string> Backends() => new(BackendCatalog.Names);

    [Theory]
    [MemberData(nameof(Backends))]
    public void EveryCommittedPassingCaseStillPasses(string backendName)
    {
        Assert.True(File.Exists(RepoPaths.NodeSuite),
            $"the ONNX node suite is missing: expected {RepoPaths.NodeSuite} (../shared/onnx/node-tests.tar.gz beside the repository)");
        var results = ConformanceRunner.Run(new ConformanceOptions(RepoPaths.NodeSuite, backendName));
        Assert.Equal(1802, results.Count);

        var committed = PassingList.Read(PassingList.PathFor(RepoPaths.Root, backendName));
        var (regressed, newlyPassing) = PassingList.Compare(committed, results);
        output.WriteLine($"{backendName}: {ConformanceReport.Rate(results)} of all cases pass, " +
                         $"{ConformanceReport.Rate(results.Where(r => r.InScope).ToList())} of the in-scope cases");
        if (newlyPassing.Count > 0)
            output.WriteLine($"{newlyPassing.Count} cases now pass but are not in passing-{backendName}.txt " +
                             $"(update it: dotnet run --project tests/DnnC.Conformance -c Release -- --write-docs): " +
                             string.Join(", ", newlyPassing));
        Assert.True(regressed.Count == 0,
            $"{regressed.Count} cases in passing-{backendName}.txt no longer pass:\n" +
            string.Join("\n", regressed.Select(r => $"  {r.Name}: {r.Outcome.ToString().ToLowerInvariant()}: {r.Detail}")));
    }

    [Fact]
    public void EveryCommittedCaseExistsInTheSuite()
    {
        Assert.True(File.Exists(RepoPaths.NodeSuite), $"the ONNX node suite is missing: expected {RepoPaths.NodeSuite}");
        var names = Suite.NodeTestArchive.Read(RepoPaths.NodeSuite).Select(c => c.Name).ToHashSet();
        Assert.Equal(1802, names.Count);
        foreach (var backend in BackendCatalog.Names)
        {
            var unknown = PassingList.Read(PassingList.PathFor(RepoPaths.Root, backend)).Where(n => !names.Contains(n)).ToList();
            Assert.True(unknown.Count == 0, $"passing-{backend}.txt names cases the suite does not have: {string.Join(", ", unknown)}");
        }
    }
}
