using Microsoft.Extensions.Options;
using TextTagger.Inference;

namespace TextTagger.Guardrails;

/// <summary>
/// Validates the bound policy against the model's labels when the options are first read (at host start with
/// <c>ValidateOnStart</c>): an unknown label or a threshold outside [0, 1] fails with one line naming the
/// configuration key, e.g. <c>Guardrails:Input:insultt names no label of the model (its labels: toxic, insult, threat)</c>.
/// </summary>
public sealed class GuardrailStartupCheck(ITagger tagger, string section) : IValidateOptions<GuardrailPolicy>
{
    public ValidateOptionsResult Validate(string? name, GuardrailPolicy options)
    {
        var problems = options.Problems(tagger.Labels, section);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(p => p.Message));
    }
}
