using TextTagger.Modeling;
using TextTagger.Tests.TestSupport;
using static TorchSharp.torch;

namespace TextTagger.Tests.Modeling;

[Collection(TorchRandomCollection.Name)]   // seeds libtorch's global generator and draws mask keys from it
public class HashDropoutTests
{
    /// <summary>The mask drops p of the elements (binomial bounds), keeps the rest at exactly 1/(1 − p) in the type,
    /// has no correlation between neighbours or between two keys, and one key always gives one mask.</summary>
    [Theory]
    [InlineData(ScalarType.Float32, 0.1)]
    [InlineData(ScalarType.BFloat16, 0.1)]
    [InlineData(ScalarType.BFloat16, 0.5)]
    public void Masks_drop_p_of_the_elements_independently_and_repeat_for_a_key(ScalarType dtype, double p)
    {
        using var scope = NewDisposeScope();
        long[] shape = [64, 37, 385];   // odd sizes: the scalar tail and a half-filled last word
        long n = 64 * 37 * 385;
        var mask = DropoutMask.Create(shape, dtype, p, key: 12345);
        Assert.Equal(dtype, mask.dtype);
        Assert.Equal(shape, mask.shape);

        var values = mask.to_type(ScalarType.Float64);
        var scale = tensor(1.0 / (1.0 - p)).to_type(dtype).to_type(ScalarType.Float64).item<double>();
        long zeros = (values == 0).sum().item<long>();
        long kept = (values == scale).sum().item<long>();
        Assert.Equal(n, zeros + kept);
        double sd = Math.Sqrt(n * p * (1 - p));
        Assert.InRange(zeros, n * p - 5 * sd, n * p + 5 * sd);

        var dropped = (values == 0).to_type(ScalarType.Float64).flatten();
        double Correlation(Tensor a, Tensor b) => corrcoef(stack([a, b]))[0, 1].item<double>();
        Assert.InRange(Correlation(dropped[..^1], dropped[1..]), -0.01, 0.01);                   // neighbours
        var other = (DropoutMask.Create(shape, dtype, p, key: 12346) == 0).to_type(ScalarType.Float64).flatten();
        Assert.InRange(Correlation(dropped, other), -0.01, 0.01);                                // another key
        Assert.True(mask.equal(DropoutMask.Create(shape, dtype, p, key: 12345)).all().item<bool>());    // the same key
    }

    /// <summary>While training it is x × mask with gradient mask, keys come from libtorch's generator (manual_seed
    /// repeats them); in eval it is the identity.</summary>
    [Fact]
    public void Training_multiplies_by_a_seeded_mask_and_eval_passes_through()
    {
        using var scope = NewDisposeScope();
        var dropout = new HashDropout(0.1);
        var x = randn(32, 48, dtype: ScalarType.Float32).requires_grad_();

        dropout.train();
        manual_seed(7);
        var first = dropout.forward(x);
        first.sum().backward();
        Assert.True(x.grad!.allclose(first.detach() / x.detach(), rtol: 1e-4, atol: 1e-5));   // the gradient is the mask
        Assert.True(((x.grad! == 0) | (x.grad! - 1 / 0.9f).abs() < 1e-6f).all().item<bool>());
        manual_seed(7);
        Assert.True(first.detach().equal(dropout.forward(x).detach()).all().item<bool>());
        Assert.False(first.detach().equal(dropout.forward(x).detach()).all().item<bool>());

        dropout.eval();
        Assert.True(dropout.forward(x).equal(x).all().item<bool>());
        Assert.Throws<ArgumentOutOfRangeException>(() => new HashDropout(1.0));
    }
}
