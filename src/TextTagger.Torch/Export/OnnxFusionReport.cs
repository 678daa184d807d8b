using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace TextTagger.Export;

/// <summary>
/// What ONNX Runtime makes of a model.onnx: the session is opened once with
/// <see cref="SessionOptions.OptimizedModelFilePath"/>, ONNX Runtime writes the graph it would run after its graph
/// optimizations (its transformer fusions among them), and this counts the node types of that graph. The counts say
/// whether Attention, SkipLayerNormalization, BiasGelu, MatMulIntegerToFloat … matched our exported patterns.
/// </summary>
/// <param name="NodeCounts">Node count per operator type (the domain is not part of the key: ORT's fused operators
/// are all com.microsoft, the standard ones all ai.onnx).</param>
public sealed record OnnxFusionReport(GraphOptimizationLevel Level, IReadOnlyDictionary<string, int> NodeCounts)
{
    /// <summary>The operators a BERT graph is fused into, then the standard ones they replace, in the order reports show them.</summary>
    public static readonly string[] WatchedOperators =
    [
        "Attention", "MultiHeadAttention", "QAttention", "EmbedLayerNormalization", "SkipLayerNormalization", "BiasGelu",
        "FastGelu", "Gelu", "MatMulIntegerToFloat", "DynamicQuantizeMatMul", "FusedMatMul", "LayerNormalization",
        "MatMul", "MatMulInteger", "Softmax", "Erf",
    ];

    /// <summary>Nodes of <paramref name="opType"/> in the optimized graph (0 when there are none).</summary>
    public int Count(string opType) => NodeCounts.GetValueOrDefault(opType);

    public int TotalNodes => NodeCounts.Values.Sum();

    /// <summary>Opens <paramref name="onnxPath"/> on the CPU provider at <paramref name="level"/> and counts the
    /// nodes of the graph ONNX Runtime writes out.</summary>
    /// <param name="optimizedPath">Where to keep the optimized model; null: a temporary file, deleted afterwards.</param>
    public static OnnxFusionReport Optimize(string onnxPath, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_ALL,
                                            string? optimizedPath = null)
    {
        if (!File.Exists(onnxPath)) throw new TextTaggerException($"{onnxPath} not found.");
        string target = optimizedPath ?? Path.Combine(Path.GetTempPath(), $"texttagger-optimized-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = new SessionOptions { GraphOptimizationLevel = level, OptimizedModelFilePath = target, IntraOpNumThreads = 1 })
            {
                try { using var _ = new InferenceSession(onnxPath, options); }
                catch (OnnxRuntimeException e) { throw new TextTaggerException($"{onnxPath}: ONNX Runtime cannot load it ({e.Message.Split('\n')[0].Trim()})", e); }
            }
            using var stream = File.OpenRead(target);
            var graph = ModelProto.Parser.ParseFrom(stream).Graph;
            var counts = graph.Node.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count());
            return new OnnxFusionReport(level, counts);
        }
        finally
        {
            if (optimizedPath == null) File.Delete(target);
        }
    }

    /// <summary>"Attention 2, SkipLayerNormalization 4, …": the watched operators present, then every other type.</summary>
    public override string ToString() =>
        string.Join(", ", NodeCounts.OrderBy(p => Array.IndexOf(WatchedOperators, p.Key) is var i and >= 0 ? i : WatchedOperators.Length)
                                    .ThenBy(p => p.Key, StringComparer.Ordinal)
                                    .Select(p => $"{p.Key} {p.Value}"));
}
