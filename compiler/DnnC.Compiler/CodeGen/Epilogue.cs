using System.Text;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Emits a chain of <see cref="EpilogueStep"/>s applied to a float variable, reading each
/// BinaryStep's operand at Σ coord_d · Strides[d] over the output coordinates.
/// </summary>
internal static class Epilogue
{
    /// <summary>
    /// Statements updating <paramref name="v"/>. <paramref name="coords"/> are C expressions (of the
    /// kernel's idx_t) for each output dimension, outermost first.
    /// </summary>
    public static string Steps(
        IReadOnlyList<EpilogueStep> steps, IReadOnlyList<PlanOperand> operands,
        IReadOnlyList<string> coords, string v, string indent)
    {
        var text = new StringBuilder();
        foreach (var step in steps)
        {
            string expression = step switch
            {
                ActivationStep a => DeviceHelpers.Activation(a, v),
                BinaryStep b => BinaryExpression(b, operands, coords, v),
                UnaryMathStep u => MathDeviceHelpers.Unary(u, v),
                CastStep c => CastDeviceHelpers.Cast(c, v),
                MathBinaryStep m => MathDeviceHelpers.BinaryStep(m, operands, coords, v),
                SelectStep s => MathDeviceHelpers.Select(s, operands, coords, v),
                _ => throw new ArgumentException($"unsupported epilogue step {step.GetType().Name}"),
            };
            text.Append(indent).Append(v).Append(" = ").Append(expression).Append(";\n");
        }
        return text.ToString();
    }

    private static string BinaryExpression(BinaryStep step, IReadOnlyList<PlanOperand> operands, IReadOnlyList<string> coords, string v)
    {
        if (step.Operand < 0 || step.Operand >= operands.Count)
            throw new ArgumentException($"binary step reads operand {step.Operand} but the spec has {operands.Count}");
        string operand = Load(operands[step.Operand], coords);
        return step.RunningOnLeft
            ? DeviceHelpers.Binary(step.Kind, v, operand)
            : DeviceHelpers.Binary(step.Kind, operand, v);
    }

    /// <summary>The load of <paramref name="operand"/> at the output coordinates.</summary>
    public static string Load(PlanOperand operand, IReadOnlyList<string> coords)
    {
        if (operand.Strides.Count != coords.Count)
            throw new ArgumentException(
                $"operand of argument {operand.Arg} has {operand.Strides.Count} strides but the output has {coords.Count} dimensions");
        var terms = new List<string>();
        for (int d = 0; d < coords.Count; d++)
        {
            long stride = operand.Strides[d];
            if (stride < 0) throw new ArgumentException($"operand of argument {operand.Arg} has negative stride {stride}");
            if (stride == 0) continue;
            terms.Add(stride == 1 ? $"(idx_t)({coords[d]})" : $"(idx_t)({coords[d]}) * {CudaText.Int(stride)}");
        }
        string offset = terms.Count == 0 ? "0" : string.Join(" + ", terms);
        return $"{KernelArgs.Name(operand.Arg)}[{offset}]";
    }

    /// <summary>
    /// Declarations of c0..c{rank-1}, the coordinates of the flat row-major index
    /// <paramref name="flat"/> in <paramref name="shape"/>, and their names.
    /// </summary>
    public static (string Declarations, IReadOnlyList<string> Names) Coordinates(
        string flat, IReadOnlyList<int> shape, string indent, string prefix = "c")
    {
        var text = new StringBuilder();
        var names = new List<string>();
        long inner = 1;
        for (int d = shape.Count - 1; d >= 0; d--)
        {
            string name = $"{prefix}{d}";
            string quotient = inner == 1 ? $"({flat})" : $"(({flat}) / {CudaText.Int(inner)})";
            string value = d == 0 ? quotient : $"{quotient} % {CudaText.Int(shape[d])}";
            text.Insert(0, $"{indent}const idx_t {name} = {value};\n");
            names.Insert(0, name);
            inner *= shape[d];
        }
        return (text.ToString(), names);
    }
}
