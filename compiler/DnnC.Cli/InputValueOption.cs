using System.CommandLine;

namespace DnnC.Cli;

/// <summary><c>--input-value NAME=FILE|v1,v2,...</c>, shared by build, check, run and simulate.</summary>
public static class InputValueOption
{
    public static Option<string[]> Create() => new("--input-value")
    {
        Description = "NAME=FILE or NAME=v1,v2,...: specialise the model on this value of an input it needs at compile time " +
                      "(a target shape, axes, pads, scales...); run does this by itself for such inputs given as files",
    };
}
