using DnnC.Runtime.Numerics;
using DnnC.Compiler.IR;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Onnx;

/// <summary>Activations, unary math, broadcasting arithmetic, comparisons, Where and Cast.</summary>
internal static partial class OnnxOps
{
    private static void RegisterElementwiseOps(Dictionary<string, Action<NodeContext>> t)
    {
        t["Relu"] = n => Activation(n, ActivationKind.Relu);
        t["Sigmoid"] = n => Activation(n, ActivationKind.Sigmoid);
        t["Tanh"] = n => Activation(n, ActivationKind.Tanh);
        t["HardSwish"] = n => Activation(n, ActivationKind.HardSwish);
        t["LeakyRelu"] = n => Activation(n, ActivationKind.LeakyRelu, n.Float("alpha", 0.01f));
        t["HardSigmoid"] = n => Activation(n, ActivationKind.HardSigmoid, n.Float("alpha", 0.2f), n.Float("beta", 0.5f));
        t["Gelu"] = Gelu;
        t["Clip"] = Clip;
        t["PRelu"] = n => n.SetOutput(0, n.Emit(new MathBinaryOp(MathBinaryKind.PRelu), n.Input(0), n.Input(1)));

        foreach (var (name, kind) in new[]
        {
            ("Exp", UnaryKind.Exp), ("Log", UnaryKind.Log), ("Sqrt", UnaryKind.Sqrt), ("Reciprocal", UnaryKind.Reciprocal),
            ("Neg", UnaryKind.Neg), ("Abs", UnaryKind.Abs), ("Floor", UnaryKind.Floor), ("Ceil", UnaryKind.Ceil),
            ("Round", UnaryKind.Round), ("Sign", UnaryKind.Sign), ("Erf", UnaryKind.Erf), ("Softplus", UnaryKind.Softplus),
            ("Softsign", UnaryKind.Softsign), ("Not", UnaryKind.Not), ("Sin", UnaryKind.Sin), ("Cos", UnaryKind.Cos),
            ("Tan", UnaryKind.Tan), ("Asin", UnaryKind.Asin), ("Acos", UnaryKind.Acos), ("Atan", UnaryKind.Atan),
            ("Sinh", UnaryKind.Sinh), ("Cosh", UnaryKind.Cosh), ("Asinh", UnaryKind.Asinh), ("Acosh", UnaryKind.Acosh),
            ("Atanh", UnaryKind.Atanh), ("Mish", UnaryKind.Mish),
        })
            t[name] = n => Unary(n, new UnaryMathOp(kind));
        t["Elu"] = n => Unary(n, new UnaryMathOp(UnaryKind.Elu, n.Float("alpha", 1f)));
        t["Celu"] = n => Unary(n, new UnaryMathOp(UnaryKind.Celu, n.Float("alpha", 1f)));
        t["ThresholdedRelu"] = n => Unary(n, new UnaryMathOp(UnaryKind.ThresholdedRelu, n.Float("alpha", 1f)));
        t["Selu"] = n => Unary(n, new UnaryMathOp(UnaryKind.Selu,
            n.Float("alpha", 1.67326319217681884765625f), n.Float("gamma", 1.05070102214813232421875f)));

        t["Add"] = n => Arithmetic(n, BinaryKind.Add);
        t["Sub"] = n => Arithmetic(n, BinaryKind.Sub);
        t["Mul"] = n => Arithmetic(n, BinaryKind.Mul);
        t["Div"] = n => Arithmetic(n, BinaryKind.Div);
        t["Pow"] = n => n.SetOutput(0, n.Emit(new MathBinaryOp(MathBinaryKind.Pow), n.Input(0), n.Input(1)));
        t["Mod"] = n => n.SetOutput(0, n.Emit(
            new MathBinaryOp(n.Int("fmod", 0) != 0 ? MathBinaryKind.ModTrunc : MathBinaryKind.ModFloor), n.Input(0), n.Input(1)));
        t["Sum"] = n => Variadic(n, v => n.Emit(new BinaryOp(BinaryKind.Add), v.A, v.B));
        t["Max"] = n => Variadic(n, v => n.Emit(new MathBinaryOp(MathBinaryKind.Max), v.A, v.B));
        t["Min"] = n => Variadic(n, v => n.Emit(new MathBinaryOp(MathBinaryKind.Min), v.A, v.B));
        t["Mean"] = Mean;

        foreach (var (name, kind) in new[]
        {
            ("Equal", MathBinaryKind.Equal), ("Greater", MathBinaryKind.Greater), ("Less", MathBinaryKind.Less),
            ("GreaterOrEqual", MathBinaryKind.GreaterOrEqual), ("LessOrEqual", MathBinaryKind.LessOrEqual),
            ("And", MathBinaryKind.And), ("Or", MathBinaryKind.Or), ("Xor", MathBinaryKind.Xor),
        })
            t[name] = n => n.SetOutput(0, n.Emit(new MathBinaryOp(kind), ElemTypes.Bool, n.Input(0), n.Input(1)));
        t["Where"] = n => n.SetOutput(0, n.Emit(new WhereOp(), n.Input(1).ElemType, n.Input(0), n.Input(1), n.Input(2)));
        t["Cast"] = n => Cast(n, (int)n.Int("to", 0));
        t["CastLike"] = n => Cast(n, n.Input(1).ElemType);
    }

    private static void Activation(NodeContext n, ActivationKind kind, float alpha = 0, float beta = 0) =>
        n.SetOutput(0, n.Emit(new ActivationOp(kind, alpha, beta), n.Input(0)));

    private static void Unary(NodeContext n, UnaryMathOp op) => n.SetOutput(0, n.Emit(op, n.Input(0)));

    private static void Gelu(NodeContext n)
    {
        string approximate = n.Str("approximate", "none");
        Op op = approximate switch
        {
            "none" => new ActivationOp(ActivationKind.Gelu),
            "tanh" => new UnaryMathOp(UnaryKind.GeluTanh),
            _ => throw n.Invalid($"approximate must be 'none' or 'tanh', got '{approximate}'"),
        };
        n.SetOutput(0, n.Emit(op, n.Input(0)));
    }

    /// <summary>Constant bounds become one clip activation; runtime bounds become max and min.</summary>
    private static void Clip(NodeContext n)
    {
        var x = n.Input(0);
        if (n.Opset < 11)
        {
            n.SetOutput(0, n.Emit(new ActivationOp(ActivationKind.Clip, n.Float("min", float.NegativeInfinity),
                n.Float("max", float.PositiveInfinity)), x));
            return;
        }
        var min = n.OptionalInput(1);
        var max = n.OptionalInput(2);
        if ((min is null || min.IsConstant) && (max is null || max.IsConstant))
        {
            float lo = min is null ? float.NegativeInfinity : (float)Single(n, min, "min");
            float hi = max is null ? float.PositiveInfinity : (float)Single(n, max, "max");
            n.SetOutput(0, n.Emit(new ActivationOp(ActivationKind.Clip, lo, hi), x));
            return;
        }
        var result = x;
        if (min is not null) result = n.Emit(new MathBinaryOp(MathBinaryKind.Max), result, min);
        if (max is not null) result = n.Emit(new MathBinaryOp(MathBinaryKind.Min), result, max);
        n.SetOutput(0, result);
    }

    private static double Single(NodeContext n, ImportValue v, string what) =>
        v.Constant!.Count == 1 ? v.Constant[0] : throw n.Invalid($"{what} must be a scalar");

    /// <summary>Integer division truncates toward zero, as ONNX Runtime does; the float result is truncated.</summary>
    private static void Arithmetic(NodeContext n, BinaryKind kind)
    {
        var a = n.Input(0);
        var b = n.Input(1);
        int type = a.ElemType;
        var result = n.Emit(new BinaryOp(kind), type, a, b);
        if (kind == BinaryKind.Div && ElemTypes.IsInteger(type) && !result.IsConstant)
            result = n.Emit(new UnaryMathOp(UnaryKind.Trunc), result);
        n.SetOutput(0, result);
    }

    private static void Variadic(NodeContext n, Func<(ImportValue A, ImportValue B), ImportValue> combine)
    {
        var inputs = Enumerable.Range(0, n.InputCount).Where(n.HasInput).Select(n.Input).ToList();
        if (inputs.Count == 0) throw n.Invalid("it needs at least one input");
        var result = inputs[0];
        foreach (var next in inputs.Skip(1)) result = combine((result, next));
        n.SetOutput(0, result);
    }

    private static void Mean(NodeContext n)
    {
        var inputs = Enumerable.Range(0, n.InputCount).Where(n.HasInput).Select(n.Input).ToList();
        if (inputs.Count == 0) throw n.Invalid("it needs at least one input");
        var sum = inputs[0];
        foreach (var next in inputs.Skip(1)) sum = n.Emit(new BinaryOp(BinaryKind.Add), sum, next);
        n.SetOutput(0, inputs.Count == 1 ? sum : n.Emit(new BinaryOp(BinaryKind.Div), sum, n.Scalar(inputs.Count)));
    }

    /// <summary>
    /// At run time every value is a float32. A cast onto a type that holds fewer values rounds onto
    /// that type's value set (<see cref="CastOp"/>: floats to nearest even, integers truncated and
    /// wrapped); a cast that loses nothing is the identity; a cast to bool compares with zero.
    /// Constants fold through the same definition.
    /// </summary>
    private static void Cast(NodeContext n, int to)
    {
        var x = n.Input(0);
        if (!ElemTypes.IsSupported(to)) throw n.Unsupported($"a cast to {ElemTypes.Name(to)}");
        bool saturate = n.Int("saturate", 1) != 0;
        var rounding = RoundMode(n);
        if (x.Constant is { } c)
        {
            var data = new double[c.Count];
            for (long i = 0; i < c.Count; i++) data[i] = ElemTypes.Coerce(to, c[i], saturate, rounding);
            n.SetOutput(0, n.Constant(ConstTensor.FromDoubles(c.Shape, data), to));
            return;
        }
        ImportValue result;
        if (to == ElemTypes.Bool && x.ElemType != ElemTypes.Bool)
            result = n.Emit(new MathBinaryOp(MathBinaryKind.NotEqual), to, x, n.Scalar(0));
        else if (LosesNothing(x.ElemType, to))
            result = ImportValue.Runtime(x.IrName!, x.Shape, to, x.Sources);
        else if (ElemTypes.Format(to) is { } format)
            result = n.Emit(new CastOp(format, saturate, rounding), to, x);
        else
            result = n.Emit(new UnaryMathOp(UnaryKind.Trunc), to, x);   // INT64 and UINT64: float32 cannot wrap them meaningfully
        n.SetOutput(0, result);
    }

    /// <summary>Whether every value of type <paramref name="from"/> is a value of type <paramref name="to"/>.</summary>
    private static bool LosesNothing(int from, int to)
    {
        if (from == to || to is ElemTypes.Float or ElemTypes.Double) return true;
        if (from == ElemTypes.Bool) return to != ElemTypes.Float8E8M0;
        if (ElemTypes.Format(from) is not { } source || ElemTypes.Format(to) is not { } target) return false;
        if (ElementFormats.Integer(source) is { } a && ElementFormats.Integer(target) is { } b)
            return b.Signed ? (a.Signed ? a.Bits <= b.Bits : a.Bits < b.Bits) : !a.Signed && a.Bits <= b.Bits;
        if (ElementFormats.Integer(source) is { } i && ElementFormats.Layout(target) is { } t)
        {
            // Every integer up to 2^(mantissa bits + 1) is exact in a binary float, if the range fits.
            double largest = Math.ScaleB(1.0, i.Signed ? i.Bits - 1 : i.Bits);
            return largest <= Math.ScaleB(1.0, t.MantissaBits + 1) && largest <= t.Max;
        }
        if (ElementFormats.Layout(source) is { } f && ElementFormats.Layout(target) is { } g)
            return f.MantissaBits <= g.MantissaBits && f.MinExponent - f.MantissaBits >= g.MinExponent - g.MantissaBits
                && f.Max <= g.Max && (g.Specials == FloatSpecials.Ieee || f.Specials != FloatSpecials.Ieee);
        return false;
    }

    private static PowerOfTwoRounding RoundMode(NodeContext n) => n.Str("round_mode", "up") switch
    {
        "down" => PowerOfTwoRounding.Down,
        "nearest" => PowerOfTwoRounding.Nearest,
        "up" => PowerOfTwoRounding.Up,
        var other => throw n.Invalid($"round_mode '{other}' is not one of up, down, nearest"),
    };
}
