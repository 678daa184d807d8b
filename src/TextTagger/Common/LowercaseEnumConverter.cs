using System.Text.Json;
using System.Text.Json.Serialization;

namespace TextTagger;

/// <summary>
/// A choice written as its lower-case name in JSON and on the command line ("cls", "auroc", "fp32"), so a typo is a
/// compile error in C# and a one-line message naming the allowed values everywhere else (System.Text.Json's own enum
/// converter names the .NET type instead).
/// </summary>
public sealed class LowercaseEnumConverter<T> : JsonConverter<T> where T : struct, Enum
{
    public static IReadOnlyList<string> Names { get; } = Enum.GetNames<T>().Select(n => n.ToLowerInvariant()).ToArray();

    public static string Name(T value) => value.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out T value)
    {
        value = default;
        return text != null && Names.Contains(text.Trim().ToLowerInvariant()) && Enum.TryParse(text.Trim(), ignoreCase: true, out value);
    }

    /// <param name="what">What the value is, for the message: "--pooling", "config.json pooling".</param>
    public static T Parse(string? text, string what) =>
        TryParse(text, out var value) ? value
            : throw new TextTaggerException($"{what} must be one of {string.Join(", ", Names)}, got '{text}'");

    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string? text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return TryParse(text, out var value) ? value
            : throw new JsonException($"expected one of {string.Join(", ", Names.Select(n => $"\"{n}\""))}, got {(text == null ? reader.TokenType.ToString().ToLowerInvariant() : $"\"{text}\"")}");
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(Name(value));
}
