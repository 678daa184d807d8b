using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextTagger.Training;

/// <summary>
/// AdamW with the usual BERT fine-tuning groups: no weight decay on biases and LayerNorm weights, optionally a higher
/// learning rate for the freshly initialised classifier head, and optionally layer-wise learning-rate decay (the top
/// encoder layer and the pooler at the encoder rate, each layer below it × the decay, the embeddings lowest). Each
/// group remembers its base learning rate so the schedule can scale it every step.
/// </summary>
public sealed class OptimizerSetup : IDisposable
{
    readonly List<(AdamW.ParamGroup Group, double BaseRate)> _groups = [];
    readonly double _encoderRate;

    public OptimizerSetup(nn.Module model, TrainingOptions options)
        : this(model, options.LearningRate, options.WeightDecay, options.HeadLearningRate, options.LayerRateDecay) { }

    /// <summary>The groups for any model (pre-training: one rate, no classifier head).</summary>
    public OptimizerSetup(nn.Module model, double learningRate, double weightDecay, double? headLearningRate = null, double layerRateDecay = 1.0)
    {
        var options = new { LearningRate = learningRate, WeightDecay = weightDecay, HeadLearningRate = headLearningRate, LayerRateDecay = layerRateDecay };
        var parameters = model.named_parameters().ToList();
        _encoderRate = options.LearningRate;
        int layers = parameters.Select(p => LayerIndex(p.name)).Max() + 1;
        double RateOf(string name) => name.StartsWith("classifier.")
            ? options.HeadLearningRate ?? options.LearningRate
            : options.LearningRate * Math.Pow(options.LayerRateDecay, Depth(name, layers));

        var groups = new List<AdamW.ParamGroup>();
        var grouped = parameters
            .GroupBy(p => (Head: p.name.StartsWith("classifier."), Decay: TakesWeightDecay(p.name), Rate: RateOf(p.name)))
            .OrderBy(g => g.Key.Head).ThenByDescending(g => g.Key.Decay).ThenByDescending(g => g.Key.Rate);
        foreach (var members in grouped)
        {
            var (_, decay, rate) = members.Key;
            var group = new AdamW.ParamGroup(members.Select(p => p.parameter), new AdamW.Options
            {
                LearningRate = rate,
                weight_decay = decay ? options.WeightDecay : 0.0,
                beta1 = 0.9,
                beta2 = 0.999,
                eps = 1e-8,
            });
            groups.Add(group);
            _groups.Add((group, rate));
        }
        Optimizer = new AdamW(groups, options.LearningRate, get_num_threads());
        Parameters = parameters.Select(p => p.parameter).ToList();
    }

    public AdamW Optimizer { get; }
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Frees the moments (the parameters belong to the model).</summary>
    public void Dispose() => Optimizer.Dispose();

    /// <summary>Biases and LayerNorm weights are not decayed (as in Hugging Face's examples).</summary>
    public static bool TakesWeightDecay(string name) => !(name.EndsWith(".bias") || name.Contains("LayerNorm"));

    /// <summary>Sets every group's learning rate to its base rate × <paramref name="factor"/>; returns the encoder's
    /// (top layer's) rate.</summary>
    public double ScaleLearningRates(double factor)
    {
        foreach (var (group, rate) in _groups) group.LearningRate = rate * factor;
        return _encoderRate * factor;
    }

    /// <summary>The base learning rate of each group, in the optimizer's order.</summary>
    public IReadOnlyList<double> BaseRates => _groups.Select(g => g.BaseRate).ToList();

    /// <summary>i for "….encoder.layer.i.…", else -1.</summary>
    static int LayerIndex(string name)
    {
        const string marker = "encoder.layer.";
        int at = name.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return -1;
        var rest = name.AsSpan(at + marker.Length);
        return int.Parse(rest[..rest.IndexOf('.')]);
    }

    /// <summary>How many decay steps below the top a parameter sits: 0 for the top layer and the pooler, layers for the embeddings.</summary>
    static int Depth(string name, int layers) =>
        name.Contains("embeddings.") ? layers : LayerIndex(name) is int i and >= 0 ? layers - 1 - i : 0;
}
