using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextTagger.Bench;

/// <summary>
/// A lever to measure, not library code: the update of TorchSharp's AdamW (decoupled weight decay, bias correction,
/// eps outside the square root) over the same parameter groups, with fewer passes over memory and no per-step
/// allocations: weight decay skipped where it is 0, the first moment by one lerp_, and the denominator written into
/// a buffer kept per parameter (TorchSharp allocates two full-size temporaries per parameter and step). Learning rates
/// and weight decay are read from the groups each step, so OptimizerSetup.ScaleLearningRates still applies.
/// </summary>
sealed class LeanAdamW : IDisposable
{
    readonly List<(AdamW.ParamGroup Group, List<(Parameter P, Tensor M, Tensor V, Tensor Denom)> States)> _groups = [];
    long _step;

    public LeanAdamW(AdamW optimizer)
    {
        foreach (var group in optimizer.ParamGroups.Cast<AdamW.ParamGroup>())
            _groups.Add((group, group.Parameters.Select(p => (p, zeros_like(p).DetachFromDisposeScope(),
                                                                  zeros_like(p).DetachFromDisposeScope(),
                                                                  empty_like(p).DetachFromDisposeScope())).ToList()));
    }

    public void Step()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        _step++;
        foreach (var (group, states) in _groups)
        {
            var o = (AdamW.Options)group.Options;
            double lr = o.LearningRate!.Value, beta1 = o.beta1!.Value, beta2 = o.beta2!.Value, eps = o.eps!.Value, decay = o.weight_decay!.Value;
            double correction1 = 1 - Math.Pow(beta1, _step), correction2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, _step));
            foreach (var (p, m, v, denom) in states)
            {
                using var grad = p.grad;
                if (grad is null) continue;
                if (decay != 0) p.mul_(1 - lr * decay);
                m.lerp_(grad, 1 - beta1);
                v.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
                denom.copy_(v).sqrt_().div_(correction2Sqrt).add_(eps);
                p.addcdiv_(m, denom, -lr / correction1);
            }
        }
    }

    public void Dispose()
    {
        foreach (var (_, states) in _groups)
            foreach (var (_, m, v, d) in states) { m.Dispose(); v.Dispose(); d.Dispose(); }
    }
}
