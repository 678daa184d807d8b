namespace TextTagger;

/// <summary>
/// An option with a value it cannot take. <see cref="Option"/> names the property (<c>LearningRate</c>, not a
/// command-line flag); the CLI maps it to its flag (<c>--lr</c>) when it prints the message.
/// </summary>
public sealed class InvalidOptionException : TextTaggerException
{
    public InvalidOptionException(string option, string problem) : base($"{option} {problem}")
    {
        Option = option;
        Problem = problem;
    }

    /// <summary>The options property, e.g. <c>TaggerOptions.Threshold</c>'s name <c>Threshold</c>.</summary>
    public string Option { get; }

    /// <summary>What is wrong with its value, e.g. "must be ≥ 1, got 0".</summary>
    public string Problem { get; }

    /// <summary>The same problem told with another name for the option (a command-line flag).</summary>
    public string MessageFor(string name) => $"{name} {Problem}";
}
