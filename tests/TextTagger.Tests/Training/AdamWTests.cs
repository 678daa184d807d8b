using TextTagger.Modeling;
using TextTagger.Tests.Modeling;
using TextTagger.Training;
using static TorchSharp.torch;

namespace TextTagger.Tests.Training;

public class AdamWTests
{
    /// <summary>Six steps of our one-pass AdamW and of TorchSharp's, on the same groups (weight decay and none, two
    /// learning rates, changed between steps) and the same gradients: the same weights and moments to float rounding,
    /// the same step counts, and each one's state file loads into the other.</summary>
    [Fact]
    public void One_pass_step_matches_TorchSharps_AdamW_and_shares_its_state_format()
    {
        using var scope = NewDisposeScope();
        using var ours = ModelTestSupport.TinyModel(seed: 11);
        using var theirs = ModelTestSupport.TinyModel(seed: 11);
        var options = new TrainingOptions { LearningRate = 1e-2, HeadLearningRate = 5e-2, WeightDecay = 0.1 };
        var setup = new OptimizerSetup(ours, options);
        var reference = TorchSharpAdamW(theirs, options);
        var (ids, mask) = ModelTestSupport.TinyBatch();
        var targets = tensor(new float[] { 1, 0, 0, 0, 1, 1, 0, 0, 0 }, [3, 3]);

        for (int step = 0; step < 6; step++)
        {
            double factor = 1.0 - step * 0.1;
            setup.ScaleLearningRates(factor);
            foreach (var g in reference.ParamGroups.Cast<TorchSharp.Modules.AdamW.ParamGroup>()) g.LearningRate = g.InitialLearningRate * factor;
            foreach (var (model, optimizer) in new (BertForMultiLabelClassification, TorchSharp.Modules.AdamW)[] { (ours, setup.Optimizer), (theirs, reference) })
            {
                using var stepScope = NewDisposeScope();
                optimizer.zero_grad();
                BertForMultiLabelClassification.Loss(model.forward(ids, mask, null), targets).backward();   // eval: no dropout
                optimizer.step();
            }
        }

        // Float rounding differs (libtorch's kernels fuse other operations), and Adam divides by √v, which magnifies it
        // where gradients are tiny: so the weights must agree to 1e-4 of how far the six steps moved them. (The key bias's
        // gradient is zero in exact arithmetic — softmax ignores a constant shift — so both move it by rounding noise.)
        var expected = theirs.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var start = ModelTestSupport.TinyModel(seed: 11).named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in ours.named_parameters().Where(p => !p.name.EndsWith("key.bias")))
        {
            double moved = (expected[name] - start[name]).abs().max().item<float>();
            double diff = (parameter - expected[name]).abs().max().item<float>();
            Assert.True(diff <= 1e-4 * moved + 1e-8, $"{name}: |Δ| {diff:G3} against a movement of {moved:G3}");
        }
        Assert.True((expected["bert.embeddings.word_embeddings.weight"] - start["bert.embeddings.word_embeddings.weight"]).abs().max().item<float>() > 1e-3,
                    "the steps must move the weights");

        string dir = Directory.CreateTempSubdirectory("adamw-").FullName;
        try
        {
            setup.Optimizer.save_state_dict(Path.Combine(dir, "ours.bin"));
            reference.save_state_dict(Path.Combine(dir, "theirs.bin"));
            var reloaded = TorchSharpAdamW(ModelTestSupport.TinyModel(seed: 11), options);
            reloaded.load_state_dict(Path.Combine(dir, "ours.bin"));                      // ours → TorchSharp's
            new OptimizerSetup(ModelTestSupport.TinyModel(seed: 11), options).Optimizer.load_state_dict(Path.Combine(dir, "theirs.bin"));   // and back
            var a = reloaded.state_dict().State.Cast<TorchSharp.Modules.AdamW.State>().ToList();
            var b = reference.state_dict().State.Cast<TorchSharp.Modules.AdamW.State>().ToList();
            Assert.Equal(b.Select(s => s.step), a.Select(s => s.step));
            Assert.Contains(6L, a.Select(s => s.step));
            for (int i = 0; i < a.Count; i++)
            {
                Assert.True(a[i].exp_avg.allclose(b[i].exp_avg, rtol: 1e-4, atol: 1e-7), $"first moment {i}");
                Assert.True(a[i].exp_avg_sq.allclose(b[i].exp_avg_sq, rtol: 1e-4, atol: 1e-9), $"second moment {i}");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>TorchSharp's own AdamW over the groups <see cref="OptimizerSetup"/> builds.</summary>
    static TorchSharp.Modules.AdamW TorchSharpAdamW(BertForMultiLabelClassification model, TrainingOptions options)
    {
        var setup = new OptimizerSetup(model, options);
        var groups = setup.Optimizer.ParamGroups.Cast<TorchSharp.Modules.AdamW.ParamGroup>()
            .Select(g => new TorchSharp.Modules.AdamW.ParamGroup(g.Parameters, new TorchSharp.Modules.AdamW.Options
            {
                LearningRate = g.LearningRate, weight_decay = g.Options.weight_decay, beta1 = 0.9, beta2 = 0.999, eps = 1e-8,
            }));
        return optim.AdamW(groups, options.LearningRate);
    }
}
