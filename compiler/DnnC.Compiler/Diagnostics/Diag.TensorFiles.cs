using DnnC.Compiler.Tensors;
using DnnC.Compiler.Text;

namespace DnnC.Compiler.Diagnostics;

public static partial class Diag
{
    /// <summary>An input tensor file (.pb or .npy) is missing, malformed or of an unsupported type.</summary>
    public static Diagnostic TensorFileUnreadable(string path, string detail, string? help = null) =>
        Error("DNN3101", SourceLocation.None, $"cannot read tensor file '{path}': {detail}", help);

    /// <summary>An output tensor file could not be written.</summary>
    public static Diagnostic TensorFileUnwritable(string path, string detail, string? help = null) =>
        Error("DNN3102", SourceLocation.None, $"cannot write tensor file '{path}': {detail}", help);

    /// <summary>The diagnostic for a <see cref="TensorFileException"/>, by the operation that failed.</summary>
    public static Diagnostic TensorFile(TensorFileException e) => e.Operation == TensorFileOperation.Read
        ? TensorFileUnreadable(e.Path, e.Detail, e.Help)
        : TensorFileUnwritable(e.Path, e.Detail, e.Help);
}

public static partial class Diag
{
    /// <summary>An input file's element type differs from the one the model declares (ONNX Runtime refuses it too).</summary>
    public static Diagnostic InputTypeMismatch(string path, string input, string declared, string actual) =>
        Error("DNN3104", SourceLocation.InFile(path), $"input '{input}' is declared {declared} but the file holds {actual}",
            $"save the tensor as {declared}");

    /// <summary>An input value float32, which DnnC computes in, cannot hold exactly.</summary>
    public static Diagnostic InputNotExact(string path, string input, string detail) =>
        Error("DNN3105", SourceLocation.InFile(path), $"input '{input}': {detail}");

    /// <summary>A DOUBLE input's values are rounded to float32, the precision DnnC computes in.</summary>
    public static Diagnostic InputRoundedToFloat32(string path, string input, string detail) =>
        Warning("DNN3107", SourceLocation.InFile(path), $"input '{input}' is rounded to float32: {detail}",
            "DnnC computes DOUBLE models in float32; expect float32 precision in the outputs");

    /// <summary>A run gives a specialised input another value than the one the model was compiled for.</summary>
    public static Diagnostic SpecialisedInputMismatch(string path, string input, string specialised, string given) =>
        Error("DNN3106", SourceLocation.InFile(path),
            $"the model was specialised on input '{input}' = {specialised}, but this run gives it {given}",
            $"build the model for this value (--input-value {input}=...), or give the value it was built for");

    /// <summary>A malformed <c>--input-value NAME=FILE|v1,v2,...</c>.</summary>
    public static Diagnostic BadInputValue(string text, string reason) =>
        Error("DNN9010", SourceLocation.None, $"bad --input-value '{text}': {reason}");
}
