using Onnx;
using TextTagger.Inference.Engines;
using TextTagger.Modeling;
using static TextTagger.Export.OnnxGraphBuilder;
using static TorchSharp.torch;
using DataType = Onnx.TensorProto.Types.DataType;

namespace TextTagger.Export;

/// <summary>
/// Writes a <see cref="BertForMultiLabelClassification"/> as an ONNX graph, built from its config and weights in the
/// order of Hugging Face's modeling_bert.py: embeddings, then per layer self-attention, its output (dense, residual,
/// LayerNorm), the intermediate activation and the output block; then pooling (mean of tokens or the [CLS] pooler)
/// and the classifier, so the graph maps token ids straight to logits (<see cref="OnnxContract"/>). Dropout is
/// absent (eval mode). Standard operators only (opset ≥ 17 for LayerNormalization), unless <c>fused</c>: then each
/// layer is ONNX Runtime's contrib Attention and two SkipLayerNormalization nodes (com.microsoft), because ONNX
/// Runtime's own fusions do not match a standard-operator graph of dynamic sequence length (see BENCHMARKS.md, fusion).
/// </summary>
internal sealed class BertOnnxGraph
{
    readonly OnnxGraphBuilder g = new();
    readonly Dictionary<string, Tensor> weights;
    readonly BertConfig config;
    readonly bool fused;

    BertOnnxGraph(BertForMultiLabelClassification model, bool fused)
    {
        config = model.Config;
        this.fused = fused;
        weights = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
    }

    /// <param name="fused">Write ONNX Runtime's fused operators (Attention, SkipLayerNormalization) instead of standard ones.</param>
    public static GraphProto Build(BertForMultiLabelClassification model, bool fused = false)
    {
        var builder = new BertOnnxGraph(model, fused);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();   // the transposed and contiguous copies of the weights
        builder.Write(model.LabelCount);
        return builder.g.Graph;
    }

    void Write(int labels)
    {
        g.Graph.Input.Add(Tensor(OnnxContract.InputIds, DataType.Int64, "batch", "sequence"));
        g.Graph.Input.Add(Tensor(OnnxContract.AttentionMask, DataType.Int64, "batch", "sequence"));
        g.Graph.Input.Add(Tensor(OnnxContract.TokenTypeIds, DataType.Int64, "batch", "sequence"));

        var hidden = Embeddings();
        var keep = g.Node("Cast", "mask_float", [OnnxContract.AttentionMask], Int("to", (long)DataType.Float));
        if (fused)
        {
            // Attention takes the 1/0 mask itself, as int32 [batch, seq], and masks the scores itself.
            var mask32 = g.Node("Cast", "mask_int32", [OnnxContract.AttentionMask], Int("to", (long)DataType.Int32));
            for (int i = 0; i < config.NumHiddenLayers; i++) hidden = FusedLayer(hidden, mask32, $"bert.encoder.layer.{i}");
        }
        else
        {
            var mask = AdditiveMask(keep);
            for (int i = 0; i < config.NumHiddenLayers; i++) hidden = Layer(hidden, mask, $"bert.encoder.layer.{i}");
        }

        var pooled = config.Pooling == PoolingMode.Mean ? MeanPool(hidden, keep) : Pooler(hidden);
        var logits = Linear(pooled, "classifier", OnnxContract.Logits);
        g.Graph.Output.Add(Tensor(logits, DataType.Float, "batch", labels));
    }

    /// <summary>word + position + token-type embeddings, LayerNorm (BertEmbeddings).</summary>
    string Embeddings()
    {
        const string p = "bert.embeddings";
        var words = g.Node("Gather", "embeddings/words", [Weight($"{p}.word_embeddings.weight"), OnnxContract.InputIds]);
        var types = g.Node("Gather", "embeddings/token_types", [Weight($"{p}.token_type_embeddings.weight"), OnnxContract.TokenTypeIds]);
        // Positions 0 … seq-1 are the first seq rows of the table: slice it by the input's sequence length.
        var seq = g.Node("Shape", "embeddings/sequence_length", [OnnxContract.InputIds], Int("start", 1), Int("end", 2));
        var positions = g.Node("Slice", "embeddings/positions",
                               [Weight($"{p}.position_embeddings.weight"), g.Int64("zero", 0), seq, g.Int64("axis0", 0)]);
        var sum = g.Node("Add", "embeddings/sum", [g.Node("Add", "embeddings/words_types", [words, types]), positions]);
        return LayerNorm(sum, $"{p}.LayerNorm", "embeddings/output");
    }

    /// <summary>[batch, seq] 1/0 → [batch, 1, 1, seq]: 0 at real tokens, float's minimum at padding (as BertModel).</summary>
    string AdditiveMask(string keep)
    {
        var drop = g.Node("Sub", "mask/padding", [g.Scalar("one", 1f), keep]);
        var scaled = g.Node("Mul", "mask/additive", [drop, g.Scalar("float_min", float.MinValue)]);
        return g.Node("Unsqueeze", "mask/broadcast", [scaled, g.Int64("axes_1_2", 1, 2)]);
    }

    string Layer(string hidden, string mask, string p)
    {
        var context = SelfAttention(hidden, mask, $"{p}.attention.self");
        var attended = LayerNorm(g.Node("Add", $"{p}.attention.output/residual", [Linear(context, $"{p}.attention.output.dense"), hidden]),
                                 $"{p}.attention.output.LayerNorm", $"{p}.attention.output");
        var intermediate = Activation(Linear(attended, $"{p}.intermediate.dense"), $"{p}.intermediate");
        return LayerNorm(g.Node("Add", $"{p}.output/residual", [Linear(intermediate, $"{p}.output.dense"), attended]),
                         $"{p}.output.LayerNorm", $"{p}.output");
    }

    /// <summary>
    /// <see cref="Layer"/> in ONNX Runtime's operators: Attention (Q, K and V in one [hidden, 3 × hidden] product, the
    /// scores masked by the 1/0 mask, scaled by 1/√d), then each residual block as SkipLayerNormalization, which adds
    /// the dense layer's bias and the residual and normalizes in one kernel. The GELU stays in standard operators:
    /// ONNX Runtime fuses it with its bias (BiasGelu) by itself.
    /// </summary>
    string FusedLayer(string hidden, string mask32, string p)
    {
        string a = $"{p}.attention.self";
        var parts = new[] { "query", "key", "value" };
        using var qkvWeight = cat(parts.Select(n => weights[$"{a}.{n}.weight"].t()).ToArray(), 1).contiguous();   // [in, 3 × hidden]
        using var qkvBias = cat(parts.Select(n => weights[$"{a}.{n}.bias"]).ToArray(), 0).contiguous();
        var context = g.Node(MicrosoftDomain, "Attention", $"{a}/attention",
                             [hidden, g.Float($"{a}.qkv.weight_t", qkvWeight.data<float>().ToArray(), qkvWeight.shape),
                              g.Float($"{a}.qkv.bias", qkvBias.data<float>().ToArray(), qkvBias.shape), mask32],
                             Int("num_heads", config.NumAttentionHeads));
        var attended = SkipLayerNorm(context, hidden, $"{p}.attention.output", $"{p}.attention.output");
        var intermediate = Activation(Linear(attended, $"{p}.intermediate.dense"), $"{p}.intermediate");
        return SkipLayerNorm(intermediate, attended, $"{p}.output", $"{p}.output");
    }

    /// <summary>LayerNorm(x Wᵀ + b + residual) for the block <paramref name="p"/> (its dense and LayerNorm).</summary>
    string SkipLayerNorm(string x, string residual, string p, string output) =>
        g.Node(MicrosoftDomain, "SkipLayerNormalization", output,
               [MatMul(x, $"{p}.dense"), residual, Weight($"{p}.LayerNorm.weight"), Weight($"{p}.LayerNorm.bias"), Weight($"{p}.dense.bias")],
               Float("epsilon", (float)config.LayerNormEps));

    /// <summary>softmax(Q Kᵀ / √d + mask) V over heads, concatenated back to [batch, seq, hidden].</summary>
    string SelfAttention(string hidden, string mask, string p)
    {
        int heads = config.NumAttentionHeads, headDim = config.HeadDim;
        var split = g.Int64("shape_heads", 0, 0, heads, headDim);   // Reshape: 0 keeps batch and seq
        string Heads(string name, long[] perm) =>
            g.Node("Transpose", $"{p}/{name}_heads", [g.Node("Reshape", $"{p}/{name}_split", [Linear(hidden, $"{p}.{name}"), split])],
                   Ints("perm", perm));
        var q = Heads("query", [0, 2, 1, 3]);   // [batch, heads, seq, d]
        var k = Heads("key", [0, 2, 3, 1]);     // [batch, heads, d, seq]
        var v = Heads("value", [0, 2, 1, 3]);
        var scores = g.Node("Div", $"{p}/scaled_scores", [g.Node("MatMul", $"{p}/scores", [q, k]), g.Scalar("sqrt_head_dim", MathF.Sqrt(headDim))]);
        var probs = g.Node("Softmax", $"{p}/probs", [g.Node("Add", $"{p}/masked_scores", [scores, mask])], Int("axis", -1));
        var context = g.Node("Transpose", $"{p}/context_heads", [g.Node("MatMul", $"{p}/context", [probs, v])], Ints("perm", 0, 2, 1, 3));
        return g.Node("Reshape", $"{p}/context_merged", [context, g.Int64("shape_merged", 0, 0, config.HiddenSize)]);
    }

    /// <summary>hidden_act, written out in basic operators (Gelu is an operator only from opset 20; ONNX Runtime fuses
    /// these patterns back into its own kernels).</summary>
    string Activation(string x, string p) => config.HiddenAct switch
    {
        "gelu" => g.Node("Mul", $"{p}/gelu", [g.Node("Mul", $"{p}/half_x", [x, g.Scalar("half", 0.5f)]),
            g.Node("Add", $"{p}/one_plus_erf", [g.Scalar("one", 1f),
                g.Node("Erf", $"{p}/erf", [g.Node("Div", $"{p}/x_over_sqrt2", [x, g.Scalar("sqrt2", MathF.Sqrt(2f))])])])]),
        "gelu_new" or "gelu_pytorch_tanh" => GeluTanh(x, p),
        "relu" => g.Node("Relu", $"{p}/relu", [x]),
        "silu" or "swish" => g.Node("Mul", $"{p}/silu", [x, g.Node("Sigmoid", $"{p}/sigmoid", [x])]),
        _ => throw new TextTaggerException($"hidden_act \"{config.HiddenAct}\" cannot be exported."),
    };

    /// <summary>0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))).</summary>
    string GeluTanh(string x, string p)
    {
        var cube = g.Node("Mul", $"{p}/x_cubed", [g.Node("Mul", $"{p}/x_squared", [x, x]), x]);
        var inner = g.Node("Add", $"{p}/inner", [x, g.Node("Mul", $"{p}/cubic_term", [cube, g.Scalar("gelu_cubic", 0.044715f)])]);
        var tanh = g.Node("Tanh", $"{p}/tanh", [g.Node("Mul", $"{p}/scaled", [inner, g.Scalar("sqrt_2_over_pi", MathF.Sqrt(2f / MathF.PI))])]);
        return g.Node("Mul", $"{p}/gelu_tanh", [g.Node("Mul", $"{p}/half_x", [x, g.Scalar("half", 0.5f)]),
                                                g.Node("Add", $"{p}/one_plus_tanh", [g.Scalar("one", 1f), tanh])]);
    }

    /// <summary>Mean of token vectors over real tokens (sentence-transformers' mean pooling; counts clamped at 1e-9).</summary>
    string MeanPool(string hidden, string keep)
    {
        var weights = g.Node("Unsqueeze", "pooling/mask", [keep, g.Int64("axes_2", 2)]);
        var axis1 = g.Int64("axes_1", 1);
        var summed = g.Node("ReduceSum", "pooling/sum", [g.Node("Mul", "pooling/masked", [hidden, weights]), axis1], Int("keepdims", 0));
        var counts = g.Node("ReduceSum", "pooling/count", [weights, axis1], Int("keepdims", 0));
        return g.Node("Div", "pooling/mean", [summed, g.Node("Max", "pooling/count_clamped", [counts, g.Scalar("min_count", 1e-9f)])]);
    }

    /// <summary>BERT's pooler: tanh(dense(hidden state of [CLS])).</summary>
    string Pooler(string hidden)
    {
        var first = g.Node("Gather", "pooler/cls", [hidden, g.Int64Scalar("first", 0)], Int("axis", 1));
        return g.Node("Tanh", "pooler/output", [Linear(first, "bert.pooler.dense")]);
    }

    /// <summary>x Wᵀ + b for the torch Linear named <paramref name="p"/> (its weight stored transposed: [in, out]).</summary>
    string Linear(string x, string p, string? output = null) =>
        g.Node("Add", output ?? $"{p}/output", [MatMul(x, p), Weight($"{p}.bias")]);

    /// <summary>x Wᵀ without the bias.</summary>
    string MatMul(string x, string p)
    {
        var weight = weights[$"{p}.weight"];
        using var transposed = weight.t().contiguous();
        var w = g.Float($"{p}.weight_t", transposed.data<float>().ToArray(), weight.shape[1], weight.shape[0]);
        return g.Node("MatMul", $"{p}/matmul", [x, w]);
    }

    string LayerNorm(string x, string p, string output) =>
        g.Node("LayerNormalization", output, [x, Weight($"{p}.weight"), Weight($"{p}.bias")],
               Int("axis", -1), Float("epsilon", (float)config.LayerNormEps));

    /// <summary>An initializer holding the parameter as it is, under its Hugging Face name.</summary>
    string Weight(string name)
    {
        if (!weights.TryGetValue(name, out var tensor)) throw new TextTaggerException($"cannot export: the model has no parameter {name}");
        return g.Float(name, tensor.contiguous().data<float>().ToArray(), tensor.shape);
    }
}
