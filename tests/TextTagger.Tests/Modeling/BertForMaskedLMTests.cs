using TextTagger.Modeling;
using TextTagger.Tests.TestSupport;
using TextTagger.Training;
using static TorchSharp.torch;

namespace TextTagger.Tests.Modeling;

[Collection(TorchRandomCollection.Name)]
public class BertForMaskedLMTests
{
    static BertForMaskedLM TinyMlm(int seed = 5)
    {
        manual_seed(seed);
        var config = ModelTestSupport.TinyConfig();
        return new BertForMaskedLM(config);   // TorchSharp's default initialisation, seeded: any weights will do here
    }

    [Fact]
    public void The_decoder_weight_is_the_word_embedding_parameter_and_is_listed_once()
    {
        using var model = TinyMlm();
        var embedding = model.Bert.Embeddings.WordEmbeddings;
        // The same tensor: the same storage at the same place (TorchSharp may wrap it in another handle).
        Assert.Equal(BertForMaskedLM.Address(embedding), BertForMaskedLM.Address(model.Cls.Predictions.Decoder.weight!));
        Assert.Equal(BertForMaskedLM.Address(model.Cls.Predictions.Bias), BertForMaskedLM.Address(model.Cls.Predictions.Decoder.bias!));
        Assert.NotEqual(BertForMaskedLM.Address(embedding), BertForMaskedLM.Address(model.Bert.Embeddings.named_parameters().Last().parameter));
        var names = model.named_parameters().Select(p => p.name).ToList();
        Assert.Contains("cls.predictions.transform.dense.weight", names);
        Assert.Contains("cls.predictions.transform.LayerNorm.bias", names);
        Assert.Contains("cls.predictions.bias", names);
        Assert.DoesNotContain("cls.predictions.decoder.weight", names);
        Assert.DoesNotContain(names, n => n.StartsWith("bert.pooler."));
        Assert.Equal(names.Count, model.named_parameters().Select(p => BertForMaskedLM.Address(p.parameter)).Distinct().Count());
        Assert.Equal(names.Count, model.parameters().Count());   // what an optimizer built from parameters() would see
    }

    [Fact]
    public void An_optimizer_step_on_the_embeddings_changes_the_decoder_weight()
    {
        using var model = TinyMlm();
        using var optimizer = new OptimizerSetup(model, 1e-2, 0.0);
        using var before = model.Cls.Predictions.Decoder.weight!.detach().clone();
        var (ids, mask) = ModelTestSupport.TinyBatch();
        var labels = ids.clone();
        labels.masked_fill_(mask == 0, BertForMaskedLM.IgnoreIndex);
        var (loss, _) = model.MaskedLoss(ids, mask, null, labels);
        loss.backward();
        optimizer.Optimizer.step();
        Assert.True(ModelTestSupport.MaxAbsDiff(before, model.Cls.Predictions.Decoder.weight!) > 1e-4);
        Assert.Equal(0f, ModelTestSupport.MaxAbsDiff(model.Bert.Embeddings.WordEmbeddings, model.Cls.Predictions.Decoder.weight!));
    }

    [Fact]
    public void Head_logits_match_a_hand_computation_and_the_masked_loss_matches_full_logits()
    {
        using var model = TinyMlm();
        model.eval();
        using var noGrad = no_grad();
        { model.Cls.Predictions.Bias.normal_(0, 1); model.Cls.Predictions.Transform.named_parameters().ToList().ForEach(p => p.parameter.normal_(0, 0.5)); }
        var (ids, mask) = ModelTestSupport.TinyBatch();
        var logits = model.forward(ids, mask, null);
        var hidden = model.Bert.forward(ids, mask, null).LastHiddenState;
        var p = model.named_parameters().ToDictionary(x => x.name, x => (Tensor)x.parameter);
        var h = hidden.matmul(p["cls.predictions.transform.dense.weight"].t()) + p["cls.predictions.transform.dense.bias"];
        h = h * 0.5 * (1.0 + (h / Math.Sqrt(2.0)).erf());                                   // exact GELU
        var mean = h.mean([-1], keepdim: true);
        var variance = (h - mean).pow(2).mean([-1], keepdim: true);
        h = (h - mean) / (variance + 1e-12).sqrt() * p["cls.predictions.transform.LayerNorm.weight"] + p["cls.predictions.transform.LayerNorm.bias"];
        var expected = h.matmul(p["bert.embeddings.word_embeddings.weight"].t()) + p["cls.predictions.bias"];
        Assert.True(ModelTestSupport.MaxAbsDiff(expected, logits) < 1e-4, $"max diff {ModelTestSupport.MaxAbsDiff(expected, logits)}");
        Assert.True(expected.abs().max().item<float>() > 0.5f);   // a comparison with something to compare

        var labels = ids.clone();
        labels.masked_fill_(mask == 0, BertForMaskedLM.IgnoreIndex);
        labels[0, 0] = BertForMaskedLM.IgnoreIndex;
        var full = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[2]), labels.reshape(-1), ignore_index: BertForMaskedLM.IgnoreIndex);
        var (loss, _) = model.MaskedLoss(ids, mask, null, labels);
        Assert.Equal(full.item<float>(), loss.item<float>(), 4);
    }
}
