using TextTagger.Tests.Modeling;
using TextTagger.Training;

namespace TextTagger.Tests.Training;

public class OptimizerSetupTests
{
    [Fact]
    public void Groups_split_weight_decay_and_the_head_rate_and_keep_their_order_without_layer_decay()
    {
        using var model = ModelTestSupport.TinyModel();
        var setup = new OptimizerSetup(model, new TrainingOptions { LearningRate = 1e-3, HeadLearningRate = 1e-2, WeightDecay = 0.01 });
        Assert.Equal([1e-3, 1e-3, 1e-2, 1e-2], setup.BaseRates);
        Assert.Equal([0.01, 0.0, 0.01, 0.0], setup.Optimizer.ParamGroups.Cast<TorchSharp.Modules.AdamW.ParamGroup>().Select(g => g.Options.weight_decay!.Value));
        Assert.Equal(model.parameters().Count(), setup.Optimizer.ParamGroups.Cast<TorchSharp.Modules.AdamW.ParamGroup>().Sum(g => g.Parameters.Count()));
        Assert.Equal(1e-3 * 0.5, setup.ScaleLearningRates(0.5));
        Assert.Equal([5e-4, 5e-4, 5e-3, 5e-3], setup.Optimizer.ParamGroups.Select(g => g.LearningRate));
    }

    [Fact]
    public void Layer_decay_lowers_the_rate_one_factor_per_layer_down_to_the_embeddings()
    {
        using var model = ModelTestSupport.TinyModel();
        int layers = model.Config.NumHiddenLayers;
        var setup = new OptimizerSetup(model, new TrainingOptions { LearningRate = 1e-3, HeadLearningRate = 1e-2, LayerRateDecay = 0.5 });
        var rateOf = new Dictionary<string, double>();
        var byHandle = model.named_parameters().ToDictionary(p => p.parameter.Handle, p => p.name);
        foreach (var group in setup.Optimizer.ParamGroups.Cast<TorchSharp.Modules.AdamW.ParamGroup>())
            foreach (var p in group.Parameters) rateOf[byHandle[p.Handle]] = group.LearningRate;

        Assert.Equal(1e-2, rateOf["classifier.weight"]);
        Assert.Equal(1e-3, rateOf["bert.pooler.dense.weight"]);
        Assert.Equal(1e-3, rateOf[$"bert.encoder.layer.{layers - 1}.output.dense.weight"]);
        Assert.Equal(1e-3 * Math.Pow(0.5, layers - 1), rateOf["bert.encoder.layer.0.attention.self.query.bias"], 12);
        Assert.Equal(1e-3 * Math.Pow(0.5, layers), rateOf["bert.embeddings.word_embeddings.weight"], 12);
        Assert.Equal(model.parameters().Count(), rateOf.Count);
        Assert.Equal(1e-3, setup.ScaleLearningRates(1.0));
    }
}
