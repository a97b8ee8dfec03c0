using DnnC.Runtime.Encoders;
using DnnC.Compiler.Reference;
using DnnC.Simulator;
using DnnC.Simulator.Execution;
using static DnnC.Runtime.Tests.Simulator.SimTestSupport;

namespace DnnC.Runtime.Tests.Simulator;

/// <summary>The per-kernel numerics hook changes how values are stored, not what is computed.</summary>
public sealed class NumericsHookTests
{
    [Fact]
    public void Fp16_storage_rounds_every_output_and_stays_within_the_fp16_contract()
    {
        var graph = Dsl("""
            model M(x: f32[1, 8, 9, 9]) -> (y) {
              a = x |> conv2d(16, kernel: 3, pad: 1) |> relu
              y = a |> global_avgpool |> flatten |> dense(10)
            }
            """);
        var (optimized, plan) = Lower(graph);
        var inputs = RandomInputs(graph, 11);
        var expected = ReferenceExecutor.Run(graph, inputs)["y"];
        var fp32 = PlanSimulator.Run(plan, WeightPacker.Pack(plan, optimized.Weights.Items), inputs)["y"];
        var fp16 = PlanSimulator.Run(plan, WeightPacker.Pack(plan, optimized.Weights.Items), inputs, _ => KernelNumerics.Fp16Storage)["y"];

        Assert.All(fp16.Data, v => Assert.Equal(v, (float)(Half)v));
        Assert.NotEqual(fp32.Data, fp16.Data);
        double num = 0, den = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            num += Math.Pow(fp16.Data[i] - expected.Data[i], 2);
            den += Math.Pow(expected.Data[i], 2);
        }
        Assert.InRange(Math.Sqrt(num / den), 1e-6, 1e-2);
    }
}
