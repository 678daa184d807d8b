namespace TextTagger.Guardrails;

/// <summary>Which way a text goes through the chat client: the user's messages to the model, or the model's answer
/// back to the user.</summary>
public enum GuardrailDirection
{
    Input,
    Output,
}
