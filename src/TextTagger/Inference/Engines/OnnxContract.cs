namespace TextTagger.Inference.Engines;

/// <summary>
/// The graph an exported model.onnx exposes, so any ONNX runtime can run it alone: int64 inputs [batch, seq]
/// (both axes dynamic), float logits [batch, labels], and the model's labels and thresholds in the metadata.
/// </summary>
public static class OnnxContract
{
    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string TokenTypeIds = "token_type_ids";
    public const string Logits = "logits";

    /// <summary>JSON array of the labels, in logit order.</summary>
    public const string LabelsKey = "texttagger.labels";
    /// <summary>JSON object {label: threshold}.</summary>
    public const string ThresholdsKey = "texttagger.thresholds";
    /// <summary>"fp32" or "int8".</summary>
    public const string PrecisionKey = "texttagger.precision";
    public const string PoolingKey = "texttagger.pooling";
    public const string MaxTokensKey = "texttagger.max_tokens";
}
