namespace TextTagger.Guardrails;

/// <summary>When a streamed answer is scored while it grows.</summary>
public enum StreamingBoundary
{
    /// <summary>When an update ends a sentence (it holds '.', '!', '?' or a line break), and at the end.</summary>
    Sentence,
    /// <summary>Every <see cref="GuardrailPolicy.StreamingTokens"/> text updates (LLMs stream about one token per
    /// update), and at the end.</summary>
    Tokens,
}
