using DnnC.Runtime;

namespace DnnC.Compiler.Tensors;

/// <summary>
/// Reads and writes the tensor files the CLI accepts: NumPy <c>.npy</c> and ONNX
/// <c>TensorProto</c> <c>.pb</c>. The format is told by the file's content, not its extension.
/// Every failure is a <see cref="TensorFileException"/>.
/// </summary>
public static class TensorFiles
{
    /// <summary>Reads a tensor of any numeric element type, exactly; Name is the TensorProto's name, null for .npy or when empty.</summary>
    public static (string? Name, TypedTensor Tensor) ReadTyped(string path) => ReadTyped(ReadAllBytes(path), path);

    /// <summary>Reads a tensor file's content already in memory (an archive entry); <paramref name="displayPath"/> names it in errors.</summary>
    public static (string? Name, TypedTensor Tensor) ReadTyped(byte[] bytes, string displayPath)
    {
        if (bytes.Length == 0) throw new TensorFileException(displayPath, "the file is empty");
        return NpyFormat.HasMagic(bytes)
            ? (null, NpyFormat.Read(displayPath, bytes))
            : TensorProtoFormat.Read(displayPath, bytes);
    }

    /// <summary>
    /// Reads a tensor as float32, the type DnnC computes in. DOUBLE values round to float32; any
    /// other value float32 cannot hold exactly (an INT64 beyond 2^24) is an error naming its index.
    /// </summary>
    public static (string? Name, HostTensor Tensor) Read(string path) => AsFloat32(ReadTyped(path), path);

    /// <inheritdoc cref="Read(string)"/>
    public static (string? Name, HostTensor Tensor) Read(byte[] bytes, string displayPath) => AsFloat32(ReadTyped(bytes, displayPath), displayPath);

    private static (string? Name, HostTensor Tensor) AsFloat32((string? Name, TypedTensor Tensor) file, string path)
    {
        int inexact = file.Tensor.FirstInexactIndex();
        // DOUBLE rounds (DnnC computes in float32, and ModelFrontDoor warns); other types must be exact.
        if (inexact >= 0 && file.Tensor.Type != Runtime.Numerics.ElementType.Double)
            throw new TensorFileException(path, InexactMessage(file.Tensor, inexact));
        return (file.Name, file.Tensor.ToHost());
    }

    /// <summary>Why a value is refused: float32, which DnnC computes in, would round it.</summary>
    public static string InexactMessage(TypedTensor tensor, int index) =>
        $"element {index} ({Runtime.Numerics.ElementTypes.Name(tensor.Type)} {tensor.Values[index].ToString(System.Globalization.CultureInfo.InvariantCulture)}) " +
        "is not exactly a float32 value, and DnnC computes in float32";

    /// <summary>Writes a TensorProto of the tensor's element type, little-endian raw_data, atomically.</summary>
    public static void WriteTensorProto(string path, string name, TypedTensor tensor) =>
        WriteAtomically(path, TensorProtoFormat.Encode(name, tensor));

    /// <summary>Writes a FLOAT TensorProto with little-endian raw_data, atomically.</summary>
    public static void WriteTensorProto(string path, string name, HostTensor tensor) =>
        WriteTensorProto(path, name, TypedTensor.FromHost(tensor, Runtime.Numerics.ElementType.Float));

    /// <summary>Writes a C-order .npy (format 1.0) of the tensor's element type, atomically.</summary>
    public static void WriteNpy(string path, TypedTensor tensor) =>
        WriteAtomically(path, NpyFormat.Encode(path, tensor));

    /// <summary>Writes a '&lt;f4' C-order .npy (format 1.0), atomically.</summary>
    public static void WriteNpy(string path, HostTensor tensor) =>
        WriteNpy(path, TypedTensor.FromHost(tensor, Runtime.Numerics.ElementType.Float));

    private static byte[] ReadAllBytes(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
                throw new TensorFileException(path, Directory.Exists(path) ? "it is a directory" : "the file does not exist");
            if (info.Length > Array.MaxLength)
                throw new TensorFileException(path, $"the file is {info.Length} bytes, more than the 2 GiB a tensor file may have");
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new TensorFileException(path, Reason(e), TensorFileOperation.Read, inner: e);
        }
    }

    /// <summary>Writes beside the target, then renames over it, so a reader never sees half a file.</summary>
    private static void WriteAtomically(string path, byte[] bytes)
    {
        string? temp = null;
        try
        {
            string full = Path.GetFullPath(path);
            string directory = Path.GetDirectoryName(full) ?? ".";
            temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            if (temp is not null) TryDelete(temp);
            throw new TensorFileException(path, Reason(e), TensorFileOperation.Write, inner: e);
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* best effort: the write already failed */ }
    }

    private static string Reason(Exception e) => e switch
    {
        DirectoryNotFoundException => "its directory does not exist",
        FileNotFoundException => "the file does not exist",
        UnauthorizedAccessException => "permission denied",
        PathTooLongException => "the path is too long",
        _ => e.Message,
    };

    /// <summary>
    /// Checks dims read from a file: non-negative, each fitting an int, and at most 2^31 − 1
    /// elements in all. Returns the shape and the element count.
    /// </summary>
    internal static (int[] Shape, int Count) CheckedShape(string path, IReadOnlyList<long> dims)
    {
        var shape = new int[dims.Count];
        long count = 1;
        for (int i = 0; i < dims.Count; i++)
        {
            if (dims[i] < 0) throw new TensorFileException(path, $"dimension {i} is negative ({dims[i]})");
            if (dims[i] > int.MaxValue) throw new TensorFileException(path, $"dimension {i} ({dims[i]}) is too large");
            shape[i] = (int)dims[i];
            // count ≤ 2^31 and dims ≤ 2^31 keep the product within a long, so no overflow here.
            count *= dims[i];
            if (count > int.MaxValue)
                throw new TensorFileException(path, $"shape [{string.Join(", ", dims)}] has more than 2^31 - 1 elements");
        }
        return (shape, (int)count);
    }
}
