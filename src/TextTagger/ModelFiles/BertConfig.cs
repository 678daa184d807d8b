using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace TextTagger.ModelFiles;

/// <summary>
/// The architecture of a BERT encoder as Hugging Face's <c>config.json</c> spells it, plus the classifier's labels
/// and our pooling choice. Fields we do not use are kept in <see cref="Extra"/> and written back unchanged.
/// </summary>
public sealed class BertConfig
{
    [JsonPropertyName("model_type")] public string ModelType { get; set; } = "bert";
    [JsonPropertyName("architectures")] public List<string>? Architectures { get; set; }
    [JsonPropertyName("vocab_size")] public int VocabSize { get; set; } = 30522;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; set; } = 768;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; set; } = 12;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; set; } = 12;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; set; } = 3072;
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; set; } = "gelu";
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; set; } = 512;
    [JsonPropertyName("type_vocab_size")] public int TypeVocabSize { get; set; } = 2;
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; set; } = 1e-12;
    [JsonPropertyName("hidden_dropout_prob")] public double HiddenDropoutProb { get; set; } = 0.1;
    [JsonPropertyName("attention_probs_dropout_prob")] public double AttentionProbsDropoutProb { get; set; } = 0.1;
    [JsonPropertyName("classifier_dropout")] public double? ClassifierDropout { get; set; }
    [JsonPropertyName("initializer_range")] public double InitializerRange { get; set; } = 0.02;
    [JsonPropertyName("pad_token_id")] public int PadTokenId { get; set; }
    [JsonPropertyName("position_embedding_type")] public string PositionEmbeddingType { get; set; } = "absolute";
    [JsonPropertyName("problem_type")] public string? ProblemType { get; set; }
    [JsonPropertyName("id2label")] public Dictionary<string, string>? Id2Label { get; set; }
    [JsonPropertyName("label2id")] public Dictionary<string, int>? Label2Id { get; set; }

    /// <summary>How the classifier pools the encoder's output: "cls" (the [CLS] pooler) or "mean" (mean of tokens).</summary>
    [JsonPropertyName("pooling")] public PoolingMode Pooling { get; set; } = PoolingMode.Cls;

    /// <summary>Every other field of config.json (transformers_version, use_cache, …), written back as it was.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>The feed-forward activations Hugging Face names in hidden_act that the model and the exporter implement.</summary>
    public static readonly IReadOnlyList<string> SupportedActivations = ["gelu", "gelu_new", "gelu_pytorch_tanh", "relu", "silu", "swish"];

    [JsonIgnore] public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>The labels in id order, from id2label (empty when the config names none).</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Labels =>
        Id2Label == null ? [] : Id2Label.OrderBy(p => int.Parse(p.Key)).Select(p => p.Value).ToList();

    /// <summary>Sets id2label, label2id and the multi-label problem type from the labels in order.</summary>
    public void SetLabels(IReadOnlyList<string> labels)
    {
        Id2Label = labels.Select((l, i) => (l, i)).ToDictionary(p => p.i.ToString(), p => p.l);
        Label2Id = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i);
        ProblemType = "multi_label_classification";
    }

    static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static BertConfig Parse(string json, string source = "config.json")
    {
        BertConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<BertConfig>(json, Options);
        }
        catch (JsonException e)
        {
            string field = e.Path is { Length: > 2 } path && !e.Message.Contains(path) ? $"{path[2..]}: " : "";
            throw new TextTaggerException($"{source}: not a valid config.json ({field}{e.Message})", e);
        }
        if (config == null) throw new TextTaggerException($"{source}: empty config.json");
        config.Validate(source);
        return config;
    }

    public static BertConfig Load(string path)
    {
        if (!File.Exists(path)) throw new TextTaggerException($"{path} not found.");
        return Parse(File.ReadAllText(path), path);
    }

    public string ToJson() => JsonSerializer.Serialize(this, Options) + "\n";

    public void Save(string path) => File.WriteAllText(path, ToJson());

    public BertConfig Clone() => Parse(ToJson());

    /// <summary>Rejects configurations this implementation would silently get wrong.</summary>
    public void Validate(string source = "config.json")
    {
        if (ModelType is not ("bert" or "" ))
            throw new TextTaggerException($"{source}: model_type \"{ModelType}\" is not supported (only \"bert\").");
        if (HiddenSize <= 0 || NumAttentionHeads <= 0 || HiddenSize % NumAttentionHeads != 0)
            throw new TextTaggerException($"{source}: hidden_size {HiddenSize} is not a multiple of num_attention_heads {NumAttentionHeads}.");
        if (NumHiddenLayers <= 0 || IntermediateSize <= 0 || VocabSize <= 0 || MaxPositionEmbeddings <= 0 || TypeVocabSize <= 0)
            throw new TextTaggerException($"{source}: sizes must be positive.");
        if (PositionEmbeddingType != "absolute")
            throw new TextTaggerException($"{source}: position_embedding_type \"{PositionEmbeddingType}\" is not supported (only \"absolute\").");
        if (!SupportedActivations.Contains(HiddenAct))
            throw new TextTaggerException($"{source}: hidden_act \"{HiddenAct}\" is not supported (use one of {string.Join(", ", SupportedActivations)}).");
    }

    /// <summary>A one-paragraph summary for `texttagger model info`.</summary>
    public string Describe() =>
        $"BERT: {NumHiddenLayers} layers, hidden {HiddenSize}, {NumAttentionHeads} heads (head dim {HeadDim}), " +
        $"intermediate {IntermediateSize}, activation {HiddenAct}, layer-norm eps {LayerNormEps:G}, vocabulary {VocabSize}, " +
        $"{MaxPositionEmbeddings} positions, {TypeVocabSize} token types, dropout {HiddenDropoutProb:G}/{AttentionProbsDropoutProb:G}, " +
        $"pooling {LowercaseEnumConverter<PoolingMode>.Name(Pooling)}";

}
