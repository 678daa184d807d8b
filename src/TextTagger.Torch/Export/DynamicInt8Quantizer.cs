using System.Buffers.Binary;
using Google.Protobuf;
using Onnx;

namespace TextTagger.Export;

/// <summary>
/// int8 dynamic quantization of the matrix products whose right-hand side is a float initializer [K, N] (MatMul(X, W)),
/// and int8 storage (one scale per row) of large embedding tables read by Gather.
/// Weights are quantized once, here, symmetrically to int8; activations are quantized at run time to uint8 by
/// DynamicQuantizeLinear. Only standard ONNX ops (opset 11+, default domain) are emitted, so any runtime executes the
/// result; ONNX Runtime's CPU provider fuses each rewritten MatMul (bias Add included) into MatMulIntegerToFloat or,
/// when the DynamicQuantizeLinear is not shared, DynamicQuantizeMatMul. On x86 without VNNI (AVX2, plain AVX-512)
/// ORT's uint8 x int8 kernel sums pairs of products in saturating int16 (2 × 255 × 127 overflows it), so by default
/// weights use 7 bits (±63, ONNX Runtime's reduce_range): the pair sums then always fit, on every CPU, and the file
/// stays portable. ONNX Runtime's fused Attention (the --fused export) becomes its QAttention, int8 likewise.
/// Only the main graph is rewritten; subgraph bodies are left as they are.
/// </summary>
public static class DynamicInt8Quantizer
{
    const string DefaultDomain = "";
    const string MicrosoftDomain = "com.microsoft";

    /// <summary>
    /// Returns a new ModelProto (the input is not modified). Every MatMul whose input 1 is a 2-D float initializer becomes
    ///   DynamicQuantizeLinear(X) -> (Xq uint8, Xscale, Xzp)
    ///   MatMulInteger(Xq, Wq int8 [K,N], Xzp, Wzp int8 (all zero: symmetric)) -> int32
    ///   Cast(to float); Mul(by Xscale * Wscale), Wscale = max|W| / 63 (127 without reduceRange) per output column (or per tensor), 0 -> 1.
    /// The fp32 weight initializer is removed when nothing else reads it.
    /// </summary>
    /// <param name="model">Model to quantize; needs default-domain opset 11 or later.</param>
    /// <param name="quantizedCount">How many MatMuls were rewritten.</param>
    /// <param name="perColumn">One scale per output column (default: as fast in ORT, clearly more accurate) or one per matrix.</param>
    /// <param name="reduceRange">Weights in ±63 instead of ±127, so no CPU's int16 pair sums saturate (see above).</param>
    public static ModelProto Quantize(ModelProto model, out int quantizedCount, bool perColumn = true, bool reduceRange = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        long opset = model.OpsetImport.Where(o => o.Domain is DefaultDomain or "ai.onnx")
            .Select(o => o.Version).DefaultIfEmpty(0).Max();
        if (opset < 11)
            throw new NotSupportedException($"DynamicQuantizeLinear needs default-domain opset >= 11, the model imports {opset}.");

        var result = model.Clone();
        var graph = result.Graph;
        var initializers = new Dictionary<string, TensorProto>();
        foreach (var t in graph.Initializer) initializers.TryAdd(t.Name, t);
        // An initializer that is also a graph input is only a default the caller may override at run time, so it is no
        // constant and baking it into int8 would change the model (OnnxSharp's RemoveInitializersFromInputs makes it one).
        var graphInputs = graph.Input.Select(i => i.Name).ToHashSet();
        var names = AllNames(graph);
        string Fresh(string wanted)
        {
            var name = wanted;
            for (int i = 1; !names.Add(name); i++) name = $"{wanted}_{i}";
            return name;
        }

        var quantized = new Dictionary<string, (string Q, string Scale, string ZeroPoint)>();
        (string Q, string Scale, string ZeroPoint) QuantizedWeight(TensorProto w)
        {
            if (quantized.TryGetValue(w.Name, out var wq)) return wq;
            var (q, scale, zeroPoint) = QuantizeWeight(w, perColumn, reduceRange ? 63 : 127);
            q.Name = Fresh(w.Name + "_quantized");
            scale.Name = Fresh(w.Name + "_scale");
            zeroPoint.Name = Fresh(w.Name + "_zero_point");
            graph.Initializer.Add(new[] { q, scale, zeroPoint });
            return quantized[w.Name] = (q.Name, scale.Name, zeroPoint.Name);
        }
        var nodes = new List<NodeProto>(graph.Node.Count);
        quantizedCount = 0;
        foreach (var node in graph.Node)
        {
            if (opset >= 13 && IsTableLookup(node, initializers, graphInputs) is { } table)   // Unsqueeze takes axes as an input from 13
            {
                nodes.AddRange(RewriteLookup(node, table, graph, Fresh));
                quantized.TryAdd(table.Name, default);   // its float table goes unless something else reads it
                continue;
            }
            if (IsAttention(node) && initializers.TryGetValue(node.Input[1], out var qkv) && !graphInputs.Contains(qkv.Name) && IsDenseFloatMatrix(qkv))
            {
                var wq = QuantizedWeight(qkv);
                nodes.AddRange(RewriteAttention(node, wq, Fresh));
                quantizedCount += 3;   // the query, key and value products
                continue;
            }
            if (node.OpType != "MatMul" || node.Domain is not (DefaultDomain or "ai.onnx") || node.Input.Count != 2
                || !initializers.TryGetValue(node.Input[1], out var w) || graphInputs.Contains(w.Name) || !IsDenseFloatMatrix(w))
            {
                nodes.Add(node);
                continue;
            }
            nodes.AddRange(Rewrite(node, QuantizedWeight(w), Fresh));
            quantizedCount++;
        }
        graph.Node.Clear();
        graph.Node.AddRange(nodes);

        var stillRead = ReadNames(graph);
        foreach (var name in quantized.Keys.Where(n => !stillRead.Contains(n)))
        {
            graph.Initializer.Remove(initializers[name]);
            foreach (var info in graph.ValueInfo.Where(v => v.Name == name).ToList()) graph.ValueInfo.Remove(info);
        }
        return result;
    }

    /// Replaces MatMul(X, W) by the five-node pattern, ordered so the graph stays topologically sorted and writing the
    /// original output name so consumers are untouched.
    static IEnumerable<NodeProto> Rewrite(NodeProto matMul, (string Q, string Scale, string ZeroPoint) w, Func<string, string> fresh)
    {
        var stem = matMul.Name.Length > 0 ? matMul.Name : matMul.Output[0];
        string xq = fresh(stem + "_input_quantized"), xScale = fresh(stem + "_input_scale"),
            xZeroPoint = fresh(stem + "_input_zero_point"), scales = fresh(stem + "_scales"),
            yInt = fresh(stem + "_output_int32"), yFloat = fresh(stem + "_output_float");
        yield return Node("DynamicQuantizeLinear", fresh(stem + "_input_quantize"), [matMul.Input[0]], [xq, xScale, xZeroPoint]);
        // Xscale first, Wscale second: ORT's MatMulIntegerToFloat fusion takes Mul input 0 as A's scale and input 1 as B's,
        // and only folds DynamicQuantizeLinear in (DynamicQuantizeMatMul) when B's scale is a constant initializer.
        // One scale Mul per MatMul, never shared: the fusion also requires this Mul to have a single consumer.
        yield return Node("Mul", fresh(stem + "_scales_mul"), [xScale, w.Scale], [scales]);
        yield return Node("MatMulInteger", fresh(stem + "_quant"), [xq, w.Q, xZeroPoint, w.ZeroPoint], [yInt]);
        var cast = Node("Cast", fresh(stem + "_output_cast"), [yInt], [yFloat]);
        cast.Attribute.Add(new AttributeProto
        {
            Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Float,
        });
        yield return cast;
        // [.., N] * [N] (or * scalar) broadcasts over any leading batch/sequence dimensions of X.
        yield return Node("Mul", fresh(stem + "_output_scale_mul"), [yFloat, scales], [matMul.Output[0]]);
    }

    /// ONNX Runtime's Attention (com.microsoft: input, weights [K, 3N], bias, mask) with constant weights.
    static bool IsAttention(NodeProto node) =>
        node.OpType == "Attention" && node.Domain == MicrosoftDomain && node.Input.Count is 3 or 4;

    /// Attention(X, W, bias, mask) → DynamicQuantizeLinear(X), QAttention(Xq, Wq, bias, Xscale, Wscale, mask, Xzp, Wzp):
    /// ONNX Runtime's int8 attention, with the same per-column symmetric weights as the MatMuls, its attributes kept.
    static IEnumerable<NodeProto> RewriteAttention(NodeProto attention, (string Q, string Scale, string ZeroPoint) w, Func<string, string> fresh)
    {
        var stem = attention.Name.Length > 0 ? attention.Name : attention.Output[0];
        string xq = fresh(stem + "_input_quantized"), xScale = fresh(stem + "_input_scale"), xZeroPoint = fresh(stem + "_input_zero_point");
        yield return Node("DynamicQuantizeLinear", fresh(stem + "_input_quantize"), [attention.Input[0]], [xq, xScale, xZeroPoint]);
        string mask = attention.Input.Count > 3 ? attention.Input[3] : "";
        var q = Node("QAttention", fresh(stem + "_quant"), [xq, w.Q, attention.Input[2], xScale, w.Scale, mask, xZeroPoint, w.ZeroPoint],
                     [.. attention.Output]);
        q.Domain = MicrosoftDomain;
        q.Attribute.Add(attention.Attribute);
        yield return q;
    }

    /// <summary>Rows of an embedding table at least this many are stored in int8 (the word embeddings: 11.7 M of
    /// MiniLM's 22.7 M parameters); small tables (token types) are not worth it.</summary>
    const int MinTableRows = 1024;

    /// A Gather along axis 0 from a large 2-D float initializer: an embedding lookup.
    static TensorProto? IsTableLookup(NodeProto node, Dictionary<string, TensorProto> initializers, HashSet<string> graphInputs)
    {
        if (node.OpType != "Gather" || node.Domain is not (DefaultDomain or "ai.onnx") || node.Input.Count != 2) return null;
        if (node.Attribute.FirstOrDefault(a => a.Name == "axis") is { I: not 0 }) return null;
        if (!initializers.TryGetValue(node.Input[0], out var table) || graphInputs.Contains(table.Name)) return null;
        return IsDenseFloatMatrix(table) && table.Dims[0] >= MinTableRows ? table : null;
    }

    /// Gather(table, ids) → Gather(int8 table, ids) as float × Gather(row scales, ids): each row keeps its own scale
    /// (max |row| / 127); no integer arithmetic follows, so the full int8 range is safe on every CPU.
    static IEnumerable<NodeProto> RewriteLookup(NodeProto gather, TensorProto table, GraphProto graph, Func<string, string> fresh)
    {
        int rows = checked((int)table.Dims[0]), width = checked((int)table.Dims[1]);
        var values = ReadFloats(table);
        var scales = new float[rows];
        var q = new byte[values.Length];
        for (int r = 0; r < rows; r++)
        {
            float max = 0;
            for (int c = 0; c < width; c++) max = MathF.Max(max, MathF.Abs(values[r * width + c]));
            scales[r] = max == 0 ? 1f : max / 127f;
            for (int c = 0; c < width; c++)
                q[r * width + c] = (byte)(sbyte)Math.Clamp(MathF.Round(values[r * width + c] / scales[r], MidpointRounding.ToEven), -127f, 127f);
        }
        var scaleBytes = new byte[4 * rows];
        for (int r = 0; r < rows; r++) BinaryPrimitives.WriteSingleLittleEndian(scaleBytes.AsSpan(4 * r), scales[r]);
        var qTable = Tensor(TensorProto.Types.DataType.Int8, [rows, width], q);
        qTable.Name = fresh(table.Name + "_quantized");
        var rowScales = Tensor(TensorProto.Types.DataType.Float, [rows], scaleBytes);
        rowScales.Name = fresh(table.Name + "_row_scale");
        var axes = new TensorProto { Name = fresh(table.Name + "_last_axis"), DataType = (int)TensorProto.Types.DataType.Int64 };
        axes.Dims.Add(1);
        axes.Int64Data.Add(-1);
        graph.Initializer.Add(new[] { qTable, rowScales, axes });

        var stem = gather.Name.Length > 0 ? gather.Name : gather.Output[0];
        string ids = gather.Input[1];
        string rowsQ = fresh(stem + "_rows_int8"), rowsF = fresh(stem + "_rows_float"), scale = fresh(stem + "_row_scales"),
            scaleColumn = fresh(stem + "_row_scales_column");
        yield return Node("Gather", fresh(stem + "_lookup_int8"), [qTable.Name, ids], [rowsQ]);
        var cast = Node("Cast", fresh(stem + "_rows_cast"), [rowsQ], [rowsF]);
        cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Float });
        yield return cast;
        yield return Node("Gather", fresh(stem + "_lookup_scale"), [rowScales.Name, ids], [scale]);
        yield return Node("Unsqueeze", fresh(stem + "_scale_unsqueeze"), [scale, axes.Name], [scaleColumn]);
        yield return Node("Mul", fresh(stem + "_dequantize"), [rowsF, scaleColumn], [gather.Output[0]]);
    }

    static NodeProto Node(string opType, string name, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { OpType = opType, Name = name, Domain = DefaultDomain };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        return node;
    }

    static bool IsDenseFloatMatrix(TensorProto w) =>
        w.DataType == (int)TensorProto.Types.DataType.Float && w.Dims.Count == 2 && w.Dims[0] > 0 && w.Dims[1] > 0
        && w.DataLocation != TensorProto.Types.DataLocation.External // external files are not ours to read
        && (w.RawData.Length == 4 * w.Dims[0] * w.Dims[1] || w.FloatData.Count == w.Dims[0] * w.Dims[1]);

    /// Symmetric int8: q = round(w / scale) in [-limit, limit], zero point 0, so int8 -128 is never produced and the
    /// quantization grid is centred on 0, which keeps small weights exact in sign.
    static (TensorProto Q, TensorProto Scale, TensorProto ZeroPoint) QuantizeWeight(TensorProto w, bool perColumn, int limit)
    {
        int k = checked((int)w.Dims[0]), n = checked((int)w.Dims[1]);
        var values = ReadFloats(w);
        var scales = new float[perColumn ? n : 1];
        for (int i = 0; i < values.Length; i++)
        {
            int s = perColumn ? i % n : 0;
            scales[s] = MathF.Max(scales[s], MathF.Abs(values[i]));
        }
        for (int s = 0; s < scales.Length; s++) scales[s] = scales[s] == 0 ? 1f : scales[s] / limit; // all-zero column -> any scale
        var q = new byte[values.Length];
        for (int i = 0; i < values.Length; i++)
            q[i] = (byte)(sbyte)Math.Clamp(MathF.Round(values[i] / scales[perColumn ? i % n : 0], MidpointRounding.ToEven), -limit, limit);

        var scaleBytes = new byte[4 * scales.Length];
        for (int s = 0; s < scales.Length; s++) BinaryPrimitives.WriteSingleLittleEndian(scaleBytes.AsSpan(4 * s), scales[s]);
        // Per column: [N] vectors, which MatMulInteger and ORT's fused kernels accept for a 2-D B; per tensor: scalars.
        long[] paramDims = perColumn ? [n] : [];
        return (Tensor(TensorProto.Types.DataType.Int8, [k, n], q),
                Tensor(TensorProto.Types.DataType.Float, paramDims, scaleBytes),
                Tensor(TensorProto.Types.DataType.Int8, paramDims, new byte[scales.Length]));
    }

    static TensorProto Tensor(TensorProto.Types.DataType type, long[] dims, byte[] raw)
    {
        var t = new TensorProto { DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        t.Dims.Add(dims);
        return t;
    }

    static float[] ReadFloats(TensorProto t)
    {
        if (t.RawData.Length == 0) return t.FloatData.ToArray();
        var raw = t.RawData.Span; // raw_data is little-endian by the ONNX spec, whatever the host
        var values = new float[raw.Length / 4];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(4 * i));
        return values;
    }

    /// Every name already in use, so new node and tensor names can be kept unique.
    static HashSet<string> AllNames(GraphProto graph)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in WithSubgraphs(graph))
        {
            names.UnionWith(g.Initializer.Select(t => t.Name));
            names.UnionWith(g.Input.Concat(g.Output).Concat(g.ValueInfo).Select(v => v.Name));
            foreach (var node in g.Node) names.UnionWith(node.Input.Concat(node.Output).Append(node.Name));
        }
        return names;
    }

    /// Names read by a node or exposed as a graph output, subgraphs included: If/Loop/Scan bodies may read outer initializers.
    static HashSet<string> ReadNames(GraphProto graph)
    {
        var read = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in WithSubgraphs(graph))
        {
            read.UnionWith(g.Output.Select(o => o.Name));
            foreach (var node in g.Node) read.UnionWith(node.Input);
        }
        return read;
    }

    static IEnumerable<GraphProto> WithSubgraphs(GraphProto graph)
    {
        yield return graph;
        foreach (var attribute in graph.Node.SelectMany(n => n.Attribute))
            foreach (var sub in (attribute.G is null ? attribute.Graphs : attribute.Graphs.Prepend(attribute.G)).SelectMany(WithSubgraphs))
                yield return sub;
    }
}
