using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace TextTagger.Modeling.Checkpoints;

/// <summary>
/// The safetensors format: 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}},
/// then the raw little-endian tensor bytes. Reading is lazy: one tensor at a time, straight from the file.
/// </summary>
public sealed class SafetensorsFile : ITensorSource
{
    public sealed record Entry(string Name, ScalarType DType, long[] Shape, long Begin, long End);

    readonly string path;
    readonly long dataStart;
    readonly Dictionary<string, Entry> entries;

    public IReadOnlyDictionary<string, string> Metadata { get; }

    SafetensorsFile(string path, long dataStart, Dictionary<string, Entry> entries, Dictionary<string, string> metadata)
    {
        this.path = path;
        this.dataStart = dataStart;
        this.entries = entries;
        Metadata = metadata;
    }

    public string Description => path;
    public IReadOnlyCollection<string> Names => entries.Keys;
    public long[] Shape(string name) => entries[name].Shape;

    public static SafetensorsFile Open(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> lengthBytes = stackalloc byte[8];
        if (stream.Read(lengthBytes) != 8) throw Bad(path, "file shorter than its 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > 100_000_000 || (long)headerLength > stream.Length - 8) throw Bad(path, $"header length {headerLength} is impossible");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        long dataStart = 8 + (long)headerLength;
        long dataLength = stream.Length - dataStart;

        JsonObject header;
        try { header = JsonNode.Parse(headerBytes)!.AsObject(); }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException)
        { throw Bad(path, "header is not a JSON object"); }

        var entries = new Dictionary<string, Entry>();
        var metadata = new Dictionary<string, string>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                foreach (var (k, v) in node!.AsObject()) metadata[k] = v?.ToString() ?? "";
                continue;
            }
            try
            {
                var dtype = ParseDType(node!["dtype"]!.GetValue<string>(), path);
                var shape = node["shape"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
                var offsets = node["data_offsets"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
                long bytes = shape.Aggregate(1L, (a, b) => a * b) * ElementSize(dtype);
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] > dataLength || offsets[1] - offsets[0] != bytes)
                    throw Bad(path, $"tensor {name}: data_offsets [{string.Join(", ", offsets)}] do not fit shape [{string.Join(", ", shape)}] {dtype}");
                entries[name] = new Entry(name, dtype, shape, offsets[0], offsets[1]);
            }
            catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException)
            {
                throw Bad(path, $"tensor {name}: malformed header entry");
            }
        }
        return new SafetensorsFile(path, dataStart, entries, metadata);
    }

    /// <summary>Reads one tensor into a new CPU tensor of the file's dtype.</summary>
    public Tensor Read(string name)
    {
        var entry = entries[name];
        var tensor = empty(entry.Shape, entry.DType);
        ReadInto(entry, tensor);
        return tensor;
    }

    /// <summary>Reads straight from the file into the destination's memory when dtype and layout allow (no extra copy).</summary>
    public void CopyTo(string name, Tensor destination)
    {
        var entry = entries[name];
        if (destination.dtype != entry.DType || destination.device_type != DeviceType.CPU || !destination.is_contiguous()
            || !destination.shape.SequenceEqual(entry.Shape))
        {
            using var value = Read(name);
            using var noGrad = no_grad();
            destination.copy_(value);
            return;
        }
        ReadInto(entry, destination);
    }

    void ReadInto(Entry entry, Tensor destination)
    {
        if (entry.End == entry.Begin) return;
        handle ??= File.OpenHandle(path);
        var memory = destination.bytes;            // a view of the tensor's own storage (contiguous CPU tensor)
        int done = 0;
        while (done < memory.Length)
        {
            int read = RandomAccess.Read(handle, memory[done..], dataStart + entry.Begin + done);
            if (read <= 0) throw Bad(path, $"tensor {entry.Name}: file truncated");
            done += read;
        }
    }

    Microsoft.Win32.SafeHandles.SafeFileHandle? handle;

    public void Dispose() => handle?.Dispose();

    /// <summary>Writes tensors (made contiguous, in the given order) with metadata {"format": "pt"}, as transformers expects.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        var list = tensors.ToList();
        var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
        long offset = 0;
        foreach (var (name, tensor) in list)
        {
            long length = tensor.numel() * ElementSize(tensor.dtype);
            header[name] = new JsonObject
            {
                ["dtype"] = DTypeName(tensor.dtype),
                ["shape"] = new JsonArray(tensor.shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + length),
            };
            offset += length;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padding = (8 - json.Length % 8) % 8;   // keep the data 8-byte aligned, as the reference writer does
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> lengthBytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(lengthBytes, (ulong)(json.Length + padding));
        stream.Write(lengthBytes);
        stream.Write(json);
        for (int i = 0; i < padding; i++) stream.WriteByte((byte)' ');
        foreach (var (_, tensor) in list)
        {
            using var cpu = tensor.detach().cpu().contiguous();
            stream.Write(cpu.bytes);
        }
    }

    static long ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
        _ => throw new TextTaggerException($"dtype {dtype} is not supported in safetensors files"),
    };

    static ScalarType ParseDType(string name, string path) => name switch
    {
        "F64" => ScalarType.Float64,
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw Bad(path, $"dtype {name} is not supported"),
    };

    static string DTypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 => "F64",
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new TextTaggerException($"dtype {dtype} cannot be written to safetensors"),
    };

    static TextTaggerException Bad(string path, string why) => new($"{path}: not a valid safetensors file: {why}.");
}
