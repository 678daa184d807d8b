namespace TextTagger.Tokenization;

/// <summary>How a batch's sequences are padded.</summary>
public enum BatchPadding
{
    /// <summary>To the longest sequence in the batch (dynamic padding).</summary>
    Longest,
    /// <summary>To the maximum token count, whatever the texts (fixed shape).</summary>
    MaxTokens,
}
