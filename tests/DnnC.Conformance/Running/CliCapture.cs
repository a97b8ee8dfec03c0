using System.Text;

namespace DnnC.Conformance.Running;

/// <summary>
/// Runs <c>dnnc</c> in process and keeps what it printed. Console.Out and Console.Error are
/// process-wide, so they are replaced once by writers that forward to the writer of the current
/// async flow: parallel cases each see only their own output.
/// </summary>
public static class CliCapture
{
    private static readonly AsyncLocal<StringWriter?> CurrentOut = new();
    private static readonly AsyncLocal<StringWriter?> CurrentError = new();
    private static readonly Lock Gate = new();
    private static bool _installed;

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(string[] args)
    {
        Install();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        CurrentOut.Value = stdout;
        CurrentError.Value = stderr;
        try
        {
            int exit = Cli.Dnnc.Run(args);
            return new Result(exit, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            CurrentOut.Value = null;
            CurrentError.Value = null;
        }
    }

    private static void Install()
    {
        lock (Gate)
        {
            if (_installed) return;
            Console.SetOut(new Forwarding(Console.Out, () => CurrentOut.Value));
            Console.SetError(new Forwarding(Console.Error, () => CurrentError.Value));
            _installed = true;
        }
    }

    /// <summary>Writes to the flow's capture when there is one, else where the console went before.</summary>
    private sealed class Forwarding(TextWriter fallback, Func<TextWriter?> current) : TextWriter
    {
        public override Encoding Encoding => fallback.Encoding;

        private TextWriter Target => current() ?? fallback;

        public override void Write(char value) => Target.Write(value);
        public override void Write(string? value) => Target.Write(value);
        public override void Write(char[] buffer, int index, int count) => Target.Write(buffer, index, count);
        public override void WriteLine(string? value) => Target.WriteLine(value);
        public override void Flush() => Target.Flush();
    }
}
