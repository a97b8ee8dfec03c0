using DnnC.Conformance.Reporting;
using DnnC.Conformance.Running;

namespace DnnC.Conformance.Tests.Runner;

public sealed class ConformanceReportTests
{
    private static IReadOnlyList<CaseResult> Results() => OpFamilies.Assign([
        new("test_add", ["Add"], CaseOutcome.Passed, "", DataTypes: ["FLOAT"]),
        new("test_add_int8", ["Add"], CaseOutcome.Unsupported, "DNN6000: unsupported dtype INT8", DataTypes: ["INT8"]),
        new("test_acos", ["Acos"], CaseOutcome.Unsupported, "DNN6001: unsupported op Acos", DataTypes: ["FLOAT"]),
        new("test_relu", ["Relu"], CaseOutcome.Failed, "output 0 'y': 1 of 4 values outside tolerance", DataTypes: ["FLOAT"]),
    ]);

    [Fact]
    public void CountsEachScopeAndListsEveryCaseLeftOutWithItsReason()
    {
        string md = ConformanceReport.Render([("reference", Results())]);
        Assert.Contains("| all | 4 | 1 | 1 | 2 | 0 | 25.0% (1/4) |", md);
        Assert.Contains("| in scope | 3 | 1 | 1 | 1 | 0 | 33.3% (1/3) |", md);
        Assert.Contains("| in scope, float32 data | 2 | 1 | 1 | 0 | 0 | 50.0% (1/2) |", md);
        Assert.Contains("| Add | yes | 2 | 1 | 0 | 1 | 0 |", md);
        Assert.Contains("- `test_acos` (Acos; FLOAT): unsupported: DNN6001: unsupported op Acos", md);
        Assert.Contains("- `test_relu` (Relu; FLOAT): failed: output 0 'y'", md);
        Assert.DoesNotContain("`test_add` ", md);
        Assert.Contains("| ONNX Runtime 1.27 | 82.1% |", md);
    }

    [Fact]
    public void IsTheSameWhateverOrderTheResultsArriveIn()
    {
        var results = Results();
        Assert.Equal(ConformanceReport.Render([("reference", results)]),
            ConformanceReport.Render([("reference", results.Reverse().ToList())]));
    }
}
