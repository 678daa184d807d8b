using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TextTagger.Server;

/// <summary>
/// API keys from <see cref="TaggerServerOptions.ApiKeyFile"/>: a request outside the open paths needs
/// `Authorization: Bearer KEY` or `X-Api-Key: KEY`, else 401 problem details. Keys are kept as SHA-256 hashes and a
/// presented key is compared with every one in constant time, so neither timing nor length tells how close a guess
/// was. The file is reread when its size or time stamp changes (looked at no more than once a second).
/// </summary>
public sealed class ApiKeys(TaggerServerOptions options, ILogger<ApiKeys> log)
{
    static readonly TimeSpan LookInterval = TimeSpan.FromSeconds(1);
    readonly Lock _lock = new();
    byte[][] _hashes = [];
    (DateTime Written, long Length) _seen;
    long? _lookedAt;   // Environment.TickCount64 of the last look at the file

    public bool Enabled => options.ApiKeyFile != null;

    /// <summary>Keys currently accepted (after a reload if the file changed).</summary>
    public int Count => Current().Length;

    public bool IsOpen(PathString path) => options.OpenPaths.Any(open => path.Equals(open, StringComparison.OrdinalIgnoreCase));

    public bool Accepts(string? key)
    {
        if (string.IsNullOrEmpty(key)) return false;
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        bool match = false;
        foreach (var hash in Current()) match |= CryptographicOperations.FixedTimeEquals(hash, presented);
        return match;
    }

    /// <summary>The key a request presents: Authorization: Bearer …, else X-Api-Key.</summary>
    public static string? Presented(HttpRequest request)
    {
        string authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return authorization["Bearer ".Length..].Trim();
        string header = request.Headers["X-Api-Key"].ToString();
        return header.Length > 0 ? header.Trim() : null;
    }

    byte[][] Current()
    {
        long now = Environment.TickCount64;
        lock (_lock)
        {
            if (_lookedAt is { } last && now - last < LookInterval.TotalMilliseconds) return _hashes;
            _lookedAt = now;
            try
            {
                var file = new FileInfo(options.ApiKeyFile!);
                var stamp = (file.LastWriteTimeUtc, file.Length);
                if (stamp == _seen) return _hashes;
                _hashes = File.ReadAllLines(file.FullName).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
                    .Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k))).ToArray();
                _seen = stamp;
                log.LogInformation("API keys: {Count} read from {File}", _hashes.Length, file.FullName);
            }
            catch (IOException e)
            {
                log.LogWarning("API keys: cannot read {File} ({Message}); keeping the {Count} keys read before", options.ApiKeyFile, e.Message, _hashes.Length);
            }
            return _hashes;
        }
    }

    /// <summary>The middleware: 401 problem details (with WWW-Authenticate) for a request without a valid key.</summary>
    public async Task CheckAsync(HttpContext context, RequestDelegate next)
    {
        if (!Enabled || IsOpen(context.Request.Path) || Accepts(Presented(context.Request)))
        {
            await next(context);
            return;
        }
        context.Response.Headers.WWWAuthenticate = "Bearer";
        string detail = Presented(context.Request) == null
            ? "this service needs an API key: send Authorization: Bearer KEY or X-Api-Key: KEY"
            : "the API key is not valid";
        await Problems.Create(StatusCodes.Status401Unauthorized, "Unauthorized", detail).ExecuteAsync(context);
    }
}
