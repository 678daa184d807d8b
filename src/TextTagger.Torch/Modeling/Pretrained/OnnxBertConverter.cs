using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace TextTagger.Modeling.Pretrained;

/// <summary>
/// Recovers a Hugging Face BERT state dict from a BERT ONNX export (PyTorch exporter, opset 13). Initializers that
/// already carry Hugging Face names are used as they are; each numerically named linear weight is input 1 of a
/// MatMul, stored [in, out]: it is transposed, and named after the <c>….bias</c> added to the MatMul's output.
/// A weight feeding a Gemm is used as it is when transB=1. Strict: every float initializer must be claimed.
/// </summary>
public static class OnnxBertConverter
{
    /// <summary>Tensors in Hugging Face names (without a "bert." prefix); the caller disposes them.</summary>
    public static Dictionary<string, Tensor> Convert(byte[] onnxBytes, string source)
    {
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(onnxBytes); }
        catch (InvalidProtocolBufferException e) { throw new TextTaggerException($"{source}: not an ONNX model ({e.Message})", e); }

        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var consumers = new Dictionary<string, List<NodeProto>>();
        foreach (var node in graph.Node)
            foreach (var input in node.Input)
            {
                if (!consumers.TryGetValue(input, out var list)) consumers[input] = list = [];
                list.Add(node);
            }

        var result = new Dictionary<string, Tensor>();
        try
        {
            foreach (var init in graph.Initializer)
            {
                if (init.Name == "embeddings.position_ids") continue;
                if (init.DataType != (int)TensorProto.Types.DataType.Float)
                {
                    if (init.Dims.Aggregate(1L, (a, b) => a * b) <= 1) continue;   // shape constants of Reshape/Slice
                    throw new TextTaggerException($"{source}: unexpected non-float initializer {init.Name}.");
                }
                bool named = init.Name.StartsWith("embeddings.") || init.Name.StartsWith("encoder.layer.") || init.Name.StartsWith("pooler.");
                var (name, transpose) = named ? (init.Name, GemmTransposes(init.Name, consumers))
                                              : (LinearWeightName(init.Name, consumers, initializers, source), true);
                if (!result.TryAdd(name, ToTensor(init, transpose)))
                    throw new TextTaggerException($"{source}: two initializers map to {name}.");
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>A named weight that feeds a Gemm with transB=0 is [in, out] and must be transposed.</summary>
    static bool GemmTransposes(string name, Dictionary<string, List<NodeProto>> consumers)
    {
        if (!consumers.TryGetValue(name, out var users)) return false;
        var gemm = users.FirstOrDefault(n => n.OpType == "Gemm" && n.Input.Count > 1 && n.Input[1] == name);
        if (gemm == null) return false;
        var transB = gemm.Attribute.FirstOrDefault(a => a.Name == "transB");
        return transB == null || transB.I == 0;
    }

    /// <summary>Follows MatMul(x, W) → Add(bias, ·) and names W after the bias.</summary>
    static string LinearWeightName(string name, Dictionary<string, List<NodeProto>> consumers,
                                   Dictionary<string, TensorProto> initializers, string source)
    {
        var matMul = consumers.GetValueOrDefault(name)?.SingleOrDefault(n => n.OpType == "MatMul" && n.Input[1] == name)
                     ?? throw new TextTaggerException($"{source}: initializer {name} is not the weight of a MatMul.");
        foreach (var add in consumers.GetValueOrDefault(matMul.Output[0]) ?? [])
        {
            if (add.OpType != "Add") continue;
            var bias = add.Input.FirstOrDefault(i => i != matMul.Output[0]);
            if (bias != null && bias.EndsWith(".bias") && initializers.ContainsKey(bias))
                return bias[..^".bias".Length] + ".weight";
        }
        throw new TextTaggerException($"{source}: cannot name initializer {name}: its MatMul output is not added to a named bias.");
    }

    static Tensor ToTensor(TensorProto init, bool transpose)
    {
        var shape = init.Dims.ToArray();
        using var scope = NewDisposeScope();
        Tensor result;
        if (!init.RawData.IsEmpty)
        {
            result = empty(shape, ScalarType.Float32);
            if (init.RawData.Length != result.numel() * 4)
                throw new TextTaggerException($"initializer {init.Name}: {init.RawData.Length} bytes for shape [{string.Join(", ", shape)}].");
            result.bytes = init.RawData.ToByteArray();
        }
        else result = tensor(init.FloatData.ToArray(), shape);
        if (transpose && shape.Length == 2) result = result.t().contiguous();
        return result.MoveToOuterDisposeScope();
    }
}
