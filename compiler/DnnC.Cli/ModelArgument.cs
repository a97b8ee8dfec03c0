using System.CommandLine;

namespace DnnC.Cli;

public static class ModelArgument
{
    /// <summary>
    /// The MODEL argument. System.CommandLine hands an unknown <c>--flag</c> to a positional
    /// argument, so a value that looks like an option is rejected here as a usage error.
    /// </summary>
    public static Argument<string> Create(string description, string name = "MODEL")
    {
        var model = new Argument<string>(name) { Description = description };
        model.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
                if (token.Value.StartsWith('-'))
                    result.AddError($"unknown option '{token.Value}'");
        });
        return model;
    }
}
