using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>Word + position + token-type embeddings, then LayerNorm and dropout (Hugging Face <c>BertEmbeddings</c>).</summary>
public sealed class BertEmbeddings : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Embedding wordEmbeddings;
    readonly Embedding positionEmbeddings;
    readonly Embedding tokenTypeEmbeddings;
    readonly LayerNorm layerNorm;
    readonly HashDropout dropout;

    public BertEmbeddings(BertConfig config) : base(nameof(BertEmbeddings))
    {
        wordEmbeddings = nn.Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId);
        positionEmbeddings = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize);
        tokenTypeEmbeddings = nn.Embedding(config.TypeVocabSize, config.HiddenSize);
        layerNorm = nn.LayerNorm(config.HiddenSize, eps: config.LayerNormEps);
        dropout = new HashDropout(config.HiddenDropoutProb);
        register_module("word_embeddings", wordEmbeddings);
        register_module("position_embeddings", positionEmbeddings);
        register_module("token_type_embeddings", tokenTypeEmbeddings);
        register_module("LayerNorm", layerNorm);
        register_module("dropout", dropout);
    }

    /// <summary>The word-embedding matrix [vocab, hidden] (the MLM decoder's tied weight).</summary>
    public Parameter WordEmbeddings => wordEmbeddings.weight!;

    /// <param name="inputIds">[batch, seq] int64 token ids.</param>
    /// <param name="tokenTypeIds">[batch, seq] int64 segment ids.</param>
    /// <returns>[batch, seq, hidden].</returns>
    public override Tensor forward(Tensor inputIds, Tensor tokenTypeIds)
    {
        using var scope = NewDisposeScope();
        long seq = inputIds.shape[1];
        var positions = arange(seq, dtype: ScalarType.Int64, device: inputIds.device).unsqueeze(0);
        var sum = wordEmbeddings.forward(inputIds) + tokenTypeEmbeddings.forward(tokenTypeIds) + positionEmbeddings.forward(positions);
        return dropout.forward(layerNorm.forward(sum)).MoveToOuterDisposeScope();
    }
}
