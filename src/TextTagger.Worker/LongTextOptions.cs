using System.CommandLine;
using TextTagger.Inference;

namespace TextTagger.Worker;

/// <summary>--long-texts truncate|window and --window-stride, for every verb that scores texts (the worker's, and the
/// CLI's predict, evaluate, explain and serve).</summary>
public sealed class LongTextOptions
{
    readonly Option<string> _mode = new("--long-texts")
    {
        Description = "Texts past the token limit: truncate (score the start; the output says so) or window (overlapping windows over the whole text, the highest probability per label)",
        DefaultValueFactory = _ => "truncate",
    };

    readonly Option<int?> _stride = new("--window-stride")
    { Description = "Tokens between window starts with --long-texts window (default: half the token limit)" };

    public LongTextOptions() => _mode.AcceptOnlyFromAmong("truncate", "window");

    public void AddTo(Command command)
    {
        command.Options.Add(_mode);
        command.Options.Add(_stride);
    }

    public (LongTextMode Mode, int? Stride) Read(ParseResult parse)
    {
        var mode = parse.GetValue(_mode) == "window" ? LongTextMode.Window : LongTextMode.Truncate;
        return (mode, parse.GetValue(_stride));   // checked with the other loading options (TaggerOptions.Validate)
    }
}
