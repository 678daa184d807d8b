using System.Text.Json.Serialization;

namespace TextTagger.ModelFiles;

/// <summary>The two ways to turn the encoder's token vectors into one vector per text (config.json's "pooling":
/// "cls" or "mean").</summary>
[JsonConverter(typeof(LowercaseEnumConverter<PoolingMode>))]
public enum PoolingMode
{
    /// <summary>BERT's pooler: tanh(dense(hidden state of [CLS])).</summary>
    Cls,
    /// <summary>Mean of the token vectors over non-padding positions (how all-MiniLM-L6-v2 was trained).</summary>
    Mean,
}
