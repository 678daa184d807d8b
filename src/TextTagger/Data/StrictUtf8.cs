using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace TextTagger.Data;

/// <summary>UTF-8 decoding that fails on invalid bytes, naming the line and column, instead of a silent U+FFFD.</summary>
public static class StrictUtf8
{
    /// <summary>Decodes a whole file's bytes (BOM tolerated).</summary>
    public static string Decode(string path, byte[] bytes)
    {
        ReadOnlySpan<byte> content = WithoutBom(bytes);
        if (Utf8.IsValid(content)) return Encoding.UTF8.GetString(content);
        throw Locate(path, bytes);
    }

    /// <summary>A reader for streaming a file; when it throws a <see cref="DecoderFallbackException"/>, turn that into a
    /// located error with <see cref="LocateInFile"/>.</summary>
    public static StreamReader OpenReader(Stream stream) =>
        new(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);

    /// <summary>The error for the first invalid byte sequence of a file (read again to find it; only on the error path).</summary>
    public static DataFormatException LocateInFile(string path) => Locate(path, File.ReadAllBytes(path));

    static DataFormatException Locate(string path, byte[] bytes)
    {
        ReadOnlySpan<byte> content = WithoutBom(bytes);
        char[] scratch = ArrayPool<char>.Shared.Rent(Math.Max(1, content.Length));
        try
        {
            Utf8.ToUtf16(content, scratch, out int bytesRead, out _, replaceInvalidSequences: false);
            if (bytesRead >= content.Length) return new DataFormatException(path, null, null, "invalid UTF-8; save the file as UTF-8");
            var before = content[..bytesRead];
            int lineStart = before.LastIndexOf((byte)'\n') + 1;
            int line = before.Count((byte)'\n') + 1;
            int column = Encoding.UTF8.GetCharCount(before[lineStart..]) + 1;
            return new DataFormatException(path, line, column, $"invalid UTF-8 (byte 0x{content[bytesRead]:X2}); save the file as UTF-8");
        }
        finally
        {
            ArrayPool<char>.Shared.Return(scratch);
        }
    }

    static ReadOnlySpan<byte> WithoutBom(byte[] bytes)
    {
        ReadOnlySpan<byte> content = bytes;
        return content.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? content[3..] : content;
    }
}
