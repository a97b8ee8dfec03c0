namespace DnnC.Compiler.IR;

/// <summary>A weight from the graph's weight table. Its type is stored so the op is self-describing.</summary>
public sealed record ConstantOp(string Key, TensorType Type) : Op
{
    public override string Mnemonic => "const";
    public override (int Min, int Max) Arity => (0, 0);
    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs) => ShapeResult.Ok(Type);
    public override IEnumerable<(string Key, string Value)> Attributes() => [("key", Key)];
}
