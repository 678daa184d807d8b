namespace TextTagger.Guardrails;

/// <summary>What happens when a label's probability reaches its rule's threshold.</summary>
public enum GuardrailAction
{
    /// <summary>Input: the model is not called. Output: its answer is not returned (a streamed answer is cut). Throws
    /// <see cref="GuardrailBlockedException"/>, or answers the policy's refusal when it has one.</summary>
    Block,
    /// <summary>The text passes, with the scores and the flagged labels in <c>AdditionalProperties</c>.</summary>
    Flag,
    /// <summary>The text passes untouched; the decision is only logged and counted.</summary>
    LogOnly,
}
