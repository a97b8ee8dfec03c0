using DnnC.Compiler.IR;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Reference;

/// <summary>Unary functions, broadcasting binary functions and where.</summary>
internal static class MathKernels
{
    public static RefTensor Unary(UnaryMathOp op, RefTensor x)
    {
        var y = new double[x.Data.Length];
        for (int i = 0; i < y.Length; i++) y[i] = UnaryMathOp.Apply(op.Kind, op.Alpha, op.Beta, x.Data[i]);
        return new RefTensor(x.Shape, y);
    }

    public static RefTensor Cast(CastOp op, RefTensor x)
    {
        var y = new double[x.Data.Length];
        for (int i = 0; i < y.Length; i++) y[i] = op.Apply(x.Data[i]);
        return new RefTensor(x.Shape, y);
    }

    public static RefTensor Binary(MathBinaryKind kind, RefTensor a, RefTensor b)
    {
        var shape = RefTensor.BroadcastShape(a.Shape, b.Shape);
        var ia = RefTensor.BroadcastIndex(a.Shape, shape);
        var ib = RefTensor.BroadcastIndex(b.Shape, shape);
        var y = new double[ia.Length];
        for (int i = 0; i < y.Length; i++) y[i] = MathBinaryOp.Apply(kind, a.Data[ia[i]], b.Data[ib[i]]);
        return new RefTensor(shape, y);
    }

    public static RefTensor Where(RefTensor condition, RefTensor x, RefTensor otherwise)
    {
        var shape = RefTensor.BroadcastShape(RefTensor.BroadcastShape(condition.Shape, x.Shape), otherwise.Shape);
        var ic = RefTensor.BroadcastIndex(condition.Shape, shape);
        var ix = RefTensor.BroadcastIndex(x.Shape, shape);
        var io = RefTensor.BroadcastIndex(otherwise.Shape, shape);
        var y = new double[ic.Length];
        for (int i = 0; i < y.Length; i++) y[i] = condition.Data[ic[i]] != 0 ? x.Data[ix[i]] : otherwise.Data[io[i]];
        return new RefTensor(shape, y);
    }
}
