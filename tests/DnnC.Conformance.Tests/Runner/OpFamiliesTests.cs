using DnnC.Conformance.Running;

namespace DnnC.Conformance.Tests.Runner;

public sealed class OpFamiliesTests
{
    private static CaseResult Case(string name, params string[] ops) => new(name, ops, CaseOutcome.Passed, "");

    [Fact]
    public void NamesMultiNodeCasesAfterTheLongestOpTheirNameStartsWith()
    {
        var results = OpFamilies.Assign([
            Case("test_max_example", "Max"),
            Case("test_maxpool_2d", "MaxPool"),
            Case("test_maxpool_2d_expanded", "Max", "Pad", "Slice"),
            Case("test_reduce_log_sum_exp_expanded", "Exp", "Log", "ReduceSum"),
            Case("test_reduce_log_sum_exp", "ReduceLogSumExp"),
            Case("test_sce_mean_expanded", "Exp", "Log"),
            Case("test_unknown_thing", "Add", "Mul"),
        ]);
        Assert.Equal(["Max", "MaxPool", "MaxPool", "ReduceLogSumExp", "ReduceLogSumExp", "SoftmaxCrossEntropyLoss", "unknown"],
            results.Select(r => r.Family));
    }

    [Fact]
    public void ScopeNeedsEveryOpInTheIssueList()
    {
        Assert.True(Case("test_x", "Conv", "Relu").InScope);
        Assert.False(Case("test_y", "Conv", "CastLike").InScope);
        Assert.False(Case("test_z", "ai.onnx.ml:Binarizer").InScope);
        Assert.False((Case("test_w", "Add") with { DataTypes = ["FLOAT", "INT8"] }).InScopeFloat);
        Assert.True((Case("test_v", "Less") with { DataTypes = ["BOOL", "FLOAT"] }).InScopeFloat);
    }
}
