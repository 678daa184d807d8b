using static TorchSharp.torch;

namespace TextTagger.Training;

/// <summary>
/// An exponential moving average of the weights (Polyak averaging; timm's ModelEmaV2): after every optimizer step each
/// shadow weight moves towards the live one by 1 − decay, with the decay ramped up as (1 + t)/(10 + t) so the first
/// steps do not anchor it to the pre-trained weights. Validation, the saved model and the thresholds use the average;
/// the optimizer keeps stepping the live weights. Costs one float32 copy of the weights (87 MB for MiniLM).
/// </summary>
internal sealed class WeightAverage : IDisposable
{
    readonly (string Name, TorchSharp.Modules.Parameter Live)[] _parameters;
    readonly Tensor[] _shadow;
    readonly double _decay;

    public WeightAverage(nn.Module model, double decay)
    {
        if (decay is <= 0 or >= 1) throw new TextTaggerException($"--ema: the decay must be in (0, 1), e.g. 0.99; got {decay}");
        _decay = decay;
        _parameters = model.named_parameters().Select(p => (p.name, p.parameter)).ToArray();
        using var noGrad = no_grad();
        _shadow = _parameters.Select(p => p.Live.detach().clone()).ToArray();
    }

    public const string FileName = "ema.bin";

    /// <summary>The decay used after optimizer step <paramref name="step"/> (counted from 1).</summary>
    public double DecayAt(int step) => Math.Min(_decay, (1.0 + step) / (10.0 + step));

    public void Update(int step)
    {
        double decay = DecayAt(step);
        using var noGrad = no_grad();
        for (int i = 0; i < _shadow.Length; i++)
            _shadow[i].mul_(decay).add_(_parameters[i].Live.detach(), alpha: 1 - decay);
    }

    /// <summary>Puts the averaged weights into the model until the returned scope is disposed (then the live ones
    /// are back, bit for bit).</summary>
    public IDisposable Applied()
    {
        using var noGrad = no_grad();
        var live = _parameters.Select(p => p.Live.detach().clone()).ToArray();
        for (int i = 0; i < _shadow.Length; i++) _parameters[i].Live.detach().copy_(_shadow[i]);
        return new Restore(_parameters, live);
    }

    sealed class Restore((string Name, TorchSharp.Modules.Parameter Live)[] parameters, Tensor[] live) : IDisposable
    {
        public void Dispose()
        {
            using var noGrad = no_grad();
            for (int i = 0; i < live.Length; i++)
            {
                parameters[i].Live.detach().copy_(live[i]);
                live[i].Dispose();
            }
        }
    }

    /// <summary>For checkpoints: names, shapes and float32 values in parameter order.</summary>
    public void Save(string path)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(_shadow.Length);
        for (int i = 0; i < _shadow.Length; i++)
        {
            writer.Write(_parameters[i].Name);
            var values = _shadow[i].contiguous().data<float>().ToArray();
            writer.Write(values.Length);
            writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        }
    }

    public void Load(string path)
    {
        if (!File.Exists(path)) throw new TextTaggerException($"{path} is missing: the checkpoint was written without --ema");
        using var reader = new BinaryReader(File.OpenRead(path));
        if (reader.ReadInt32() != _shadow.Length) throw new TextTaggerException($"{path}: another model's averaged weights");
        using var noGrad = no_grad();
        for (int i = 0; i < _shadow.Length; i++)
        {
            string name = reader.ReadString();
            var values = new float[reader.ReadInt32()];
            if (name != _parameters[i].Name || values.Length != _shadow[i].numel())
                throw new TextTaggerException($"{path}: {name} does not match {_parameters[i].Name}");
            if (reader.Read(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())) != values.Length * sizeof(float))
                throw new TextTaggerException($"{path} is cut short");
            using var loaded = tensor(values).reshape(_shadow[i].shape);
            _shadow[i].copy_(loaded);
        }
    }

    public void Dispose()
    {
        foreach (var t in _shadow) t.Dispose();
    }
}
