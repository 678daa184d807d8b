using System.Collections;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace TextTagger.Modeling.Checkpoints;

/// <summary>A <c>pytorch_model.bin</c> (torch.save of a state dict, zip format), read with TorchSharp.PyBridge.</summary>
public static class PyTorchBinFile
{
    public static InMemoryTensorSource Open(string path)
    {
        Hashtable table;
        try
        {
            using var stream = File.OpenRead(path);
            table = PyTorchUnpickler.UnpickleStateDict(stream);
        }
        catch (Exception e) when (e is not TextTaggerException and not IOException and not UnauthorizedAccessException)
        {
            throw new TextTaggerException($"{path}: cannot read this PyTorch checkpoint ({e.Message}). " +
                                          "Only zip-format state dicts (torch.save(model.state_dict())) are supported.", e);
        }
        var tensors = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry item in table)
            if (item.Key is string name && item.Value is Tensor tensor) tensors[name] = tensor;
        return new InMemoryTensorSource(path, tensors);
    }

    /// <summary>Writes a state dict in PyTorch's zip pickle format (loadable with torch.load).</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        var table = new Hashtable();
        foreach (var (name, tensor) in tensors) table[name] = tensor;
        using var stream = File.Create(path);
        PyTorchPickler.PickleStateDict(stream, table);
    }
}
