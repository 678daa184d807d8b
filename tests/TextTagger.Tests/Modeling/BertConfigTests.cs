using TextTagger.Modeling;

namespace TextTagger.Tests.Modeling;

public class BertConfigTests
{
    const string HuggingFaceConfig = """
    {
      "_name_or_path": "nreimers/MiniLM-L6-H384-uncased",
      "architectures": ["BertModel"],
      "attention_probs_dropout_prob": 0.1,
      "gradient_checkpointing": false,
      "hidden_act": "gelu",
      "hidden_dropout_prob": 0.1,
      "hidden_size": 384,
      "initializer_range": 0.02,
      "intermediate_size": 1536,
      "layer_norm_eps": 1e-12,
      "max_position_embeddings": 512,
      "model_type": "bert",
      "num_attention_heads": 12,
      "num_hidden_layers": 6,
      "pad_token_id": 0,
      "position_embedding_type": "absolute",
      "transformers_version": "4.8.2",
      "type_vocab_size": 2,
      "use_cache": true,
      "vocab_size": 30522
    }
    """;

    [Fact]
    public void Reads_a_hugging_face_config_and_writes_unknown_fields_back()
    {
        var config = BertConfig.Parse(HuggingFaceConfig);
        Assert.Equal(384, config.HiddenSize);
        Assert.Equal(6, config.NumHiddenLayers);
        Assert.Equal(12, config.NumAttentionHeads);
        Assert.Equal(32, config.HeadDim);
        Assert.Equal(1536, config.IntermediateSize);
        Assert.Equal(1e-12, config.LayerNormEps);
        Assert.Equal(PoolingMode.Cls, config.Pooling);
        Assert.Empty(config.Labels);

        config.SetLabels(["toxic", "insult"]);
        config.Pooling = PoolingMode.Mean;
        var again = BertConfig.Parse(config.ToJson());
        Assert.Equal(["toxic", "insult"], again.Labels);
        Assert.Equal(1, again.Label2Id!["insult"]);
        Assert.Equal("multi_label_classification", again.ProblemType);
        Assert.Equal(PoolingMode.Mean, again.Pooling);
        Assert.Equal("4.8.2", again.Extra!["transformers_version"].GetString());
        Assert.Contains("\"_name_or_path\": \"nreimers/MiniLM-L6-H384-uncased\"", again.ToJson());
    }

    [Theory]
    [InlineData("\"hidden_size\": 384", "\"hidden_size\": 380", "not a multiple")]
    [InlineData("\"hidden_act\": \"gelu\"", "\"hidden_act\": \"mish\"", "hidden_act")]
    [InlineData("\"position_embedding_type\": \"absolute\"", "\"position_embedding_type\": \"relative_key\"", "position_embedding_type")]
    [InlineData("\"model_type\": \"bert\"", "\"model_type\": \"roberta\"", "model_type")]
    [InlineData("\"vocab_size\": 30522", "\"vocab_size\": 30522, \"pooling\": \"max\"", "pooling")]
    public void Rejects_what_it_cannot_run(string from, string to, string message)
    {
        var e = Assert.Throws<TextTaggerException>(() => BertConfig.Parse(HuggingFaceConfig.Replace(from, to)));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Malformed_json_is_a_user_error()
    {
        Assert.Throws<TextTaggerException>(() => BertConfig.Parse("{ \"hidden_size\": "));
    }
}
