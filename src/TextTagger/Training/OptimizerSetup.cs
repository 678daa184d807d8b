using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextTagger.Training;

/// <summary>
/// AdamW with the usual BERT fine-tuning groups: no weight decay on biases and LayerNorm weights, and optionally a
/// higher learning rate for the freshly initialised classifier head. Each group remembers its base learning rate so
/// the schedule can scale it every step.
/// </summary>
public sealed class OptimizerSetup
{
    readonly List<(AdamW.ParamGroup Group, double BaseRate)> _groups = [];

    public OptimizerSetup(nn.Module model, TrainingOptions options)
    {
        var parameters = model.named_parameters().ToList();
        double headRate = options.HeadLearningRate ?? options.LearningRate;
        var groups = new List<AdamW.ParamGroup>();
        foreach (bool head in new[] { false, true })
            foreach (bool decay in new[] { true, false })
            {
                var members = parameters
                    .Where(p => p.name.StartsWith("classifier.") == head && TakesWeightDecay(p.name) == decay)
                    .Select(p => p.parameter).ToList();
                if (members.Count == 0) continue;
                double rate = head ? headRate : options.LearningRate;
                var group = new AdamW.ParamGroup(members, new AdamW.Options
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
        Optimizer = optim.AdamW(groups, options.LearningRate);
        Parameters = parameters.Select(p => p.parameter).ToList();
    }

    public AdamW Optimizer { get; }
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Biases and LayerNorm weights are not decayed (as in Hugging Face's examples).</summary>
    public static bool TakesWeightDecay(string name) => !(name.EndsWith(".bias") || name.Contains("LayerNorm"));

    /// <summary>Sets every group's learning rate to its base rate × <paramref name="factor"/>; returns the encoder's rate.</summary>
    public double ScaleLearningRates(double factor)
    {
        foreach (var (group, rate) in _groups) group.LearningRate = rate * factor;
        return _groups[0].BaseRate * factor;
    }
}
