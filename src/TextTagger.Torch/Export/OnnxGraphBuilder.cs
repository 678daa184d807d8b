using Google.Protobuf;
using Onnx;

namespace TextTagger.Export;

/// <summary>
/// Appends ONNX nodes and initializers to a graph with readable, unique names: the small vocabulary the BERT
/// exporter is written in (one method per operator it uses). Knows nothing about BERT.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    readonly Dictionary<string, int> _used = [];
    readonly Dictionary<string, string> _constants = [];   // small constants are written once and shared

    public GraphProto Graph { get; } = new() { Name = "texttagger" };

    /// <summary>A name not used yet: <paramref name="stem"/>, or stem_2, stem_3, …</summary>
    public string Unique(string stem)
    {
        int n = _used.TryGetValue(stem, out int seen) ? seen + 1 : 1;
        _used[stem] = n;
        return n == 1 ? stem : $"{stem}_{n}";
    }

    public string Float(string name, float[] values, params long[] shape)
    {
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(shape);
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);   // ONNX raw_data is little-endian, as .NET is here
        tensor.RawData = ByteString.CopyFrom(bytes);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A 0-d float constant (broadcasts against anything).</summary>
    public string Scalar(string name, float value) =>
        Constant($"f:{name}:{value:R}", () => Float(name, [value]));

    /// <summary>A 1-d int64 constant (shapes, axes, slice bounds).</summary>
    public string Int64(string name, params long[] values) =>
        Constant($"i:{name}:{string.Join(",", values)}", () => Int64Tensor(name, values, [values.Length]));

    /// <summary>A 0-d int64 constant (a Gather index that drops its axis).</summary>
    public string Int64Scalar(string name, long value) =>
        Constant($"s:{name}:{value}", () => Int64Tensor(name, [value], []));

    string Constant(string key, Func<string> create)
    {
        if (!_constants.TryGetValue(key, out var name)) _constants[key] = name = create();
        return name;
    }

    string Int64Tensor(string name, long[] values, long[] shape)
    {
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(shape);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>ONNX Runtime's contrib operators (Attention, SkipLayerNormalization, …): run by ONNX Runtime only.</summary>
    public const string MicrosoftDomain = "com.microsoft";

    /// <summary>One node with one output, named after <paramref name="output"/>.</summary>
    public string Node(string op, string output, string[] inputs, params AttributeProto[] attributes) =>
        Node("", op, output, inputs, attributes);

    /// <summary>One node of an operator in <paramref name="domain"/> ("" is the standard ONNX domain).</summary>
    public string Node(string domain, string op, string output, string[] inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = Unique(output + "/" + op), Domain = domain };
        node.Input.AddRange(inputs);
        string name = Unique(output);
        node.Output.Add(name);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return name;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A graph input or output: a tensor of <paramref name="type"/> with named (dynamic) or fixed dimensions.</summary>
    public static ValueInfoProto Tensor(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
            shape.Dim.Add(dim is string param ? new TensorShapeProto.Types.Dimension { DimParam = param }
                                              : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim) });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
