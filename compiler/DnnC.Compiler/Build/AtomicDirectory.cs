namespace DnnC.Compiler.Build;

/// <summary>
/// Writes a whole output directory or nothing: everything goes into a hidden sibling first and is
/// moved into place only when complete, so a failure never leaves half-written outputs behind.
/// </summary>
public static class AtomicDirectory
{
    public static void Write(string target, Action<string> writeInto)
    {
        target = Path.GetFullPath(target);
        string parent = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{target}' has no parent directory");
        Directory.CreateDirectory(parent);
        string staging = Path.Combine(parent, $".{Path.GetFileName(target)}.tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            writeInto(staging);
            string? old = null;
            if (Directory.Exists(target))
            {
                old = Path.Combine(parent, $".{Path.GetFileName(target)}.old-{Guid.NewGuid():N}");
                Directory.Move(target, old);
            }
            Directory.Move(staging, target);
            if (old is not null) Directory.Delete(old, recursive: true);
        }
        catch
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            throw;
        }
    }
}
